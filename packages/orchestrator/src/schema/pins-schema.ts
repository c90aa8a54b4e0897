import { z } from 'zod';
import { PinKey, Platform, ScalarString, perPlatform } from './common';

/**
 * The single source of truth for `pins.yaml` and `profiles/<name>.yaml` (a profile has the same shape and overrides
 * pins key by key). Types derive from it; unknown keys are errors.
 */
const ImageReference = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/, 'must be an image reference such as repo/name:tag or repo/name:tag@sha256:…');

const Download = z.strictObject({
  url: perPlatform(z.string().regex(/^(https?|file):\/\//, 'must be an http(s):// or file:// URL')).describe('Where the file comes from; per platform when it differs by architecture.'),
});

export const PinsSchema = z.strictObject({
  platforms: z.array(Platform).min(1).optional().describe('Platforms a fragment is built for when it does not say.'),
  images: z.record(PinKey, perPlatform(ImageReference)).default({}).describe('key -> image reference (with a tag, and optionally a digest), or one per platform.'),
  versions: z.record(PinKey, ScalarString).default({}).describe('key -> version string.'),
  downloads: z.record(PinKey, Download).default({}).describe('key -> downloaded file.'),
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
      z.record(
        Platform,
        z.strictObject({
          ref: z.string().min(1).describe('The reference in force when it was resolved (pins.yaml or the profile).'),
          digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex>').describe("Manifest digest of that platform's image."),
        }),
      ),
    )
    .default({})
    .describe('images.<key>.<platform>: the digest each pinned image reference resolved to.'),
  downloads: z
    .record(
      PinKey,
      z.record(
        Platform,
        z.strictObject({
          url: z.string().min(1).describe('The URL in force when it was downloaded.'),
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits').describe('sha256 of the downloaded file.'),
        }),
      ),
    )
    .default({})
    .describe('downloads.<key>.<platform>: the checksum of each pinned download.'),
});

export type PinsLock = z.infer<typeof PinsLockSchema>;
