import { z } from 'zod';
import { PinKey, Platform, ScalarString, perPlatform } from './common';

/**
 * The single source of truth for `pins.yaml` and `profiles/<name>.yaml` (a profile has the same shape and overrides
 * pins key by key). Types derive from it; unknown keys are errors.
 */
const ImageReference = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/:@-]*$/i, 'must be an image reference such as repo/name:tag or repo/name:tag@sha256:…');

const Download = z.strictObject({
  /** Where the file comes from; per platform when it differs by architecture. */
  url: perPlatform(z.string().regex(/^(https?|file):\/\//, 'must be an http(s):// or file:// URL')),
});

export const PinsSchema = z.strictObject({
  /** Platforms a fragment is built for when it does not say. */
  platforms: z.array(Platform).min(1).optional(),
  /** key -> image reference (with a tag, and optionally a digest), or one per platform. */
  images: z.record(PinKey, perPlatform(ImageReference)).default({}),
  /** key -> version string. */
  versions: z.record(PinKey, ScalarString).default({}),
  /** key -> downloaded file. */
  downloads: z.record(PinKey, Download).default({}),
});

export type PinsConfig = z.infer<typeof PinsSchema>;

/**
 * `pins.lock.yaml`: what each tag and URL resolved to, per platform. Written by `fragments pins lock`. Each entry
 * records the reference or URL it was resolved from, so an entry that no longer matches pins.yaml (or that a profile
 * overrides) is ignored instead of silently applied.
 */
export const PinsLockSchema = z.strictObject({
  images: z
    .record(
      PinKey,
      z.record(Platform, z.strictObject({ ref: z.string().min(1), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex>') })),
    )
    .default({}),
  downloads: z
    .record(PinKey, z.record(Platform, z.strictObject({ url: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits') })))
    .default({}),
});

export type PinsLock = z.infer<typeof PinsLockSchema>;
