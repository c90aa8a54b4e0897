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

/**
 * Remote compiler cache for fragments that compile through sccache, as Dynamo's use-sccache.sh configures it. It is
 * handed to compile steps as the BuildKit secret `sccache-config` (never a build arg): where the cache lives cannot
 * change what a compiler produces, so none of it enters a hash, a tag, a layer's cache key or the image history.
 * Credentials are not here: pass them as secrets (aws-key-id + aws-secret-id, or aws-web-identity-token + aws-role-arn).
 */
export const SccacheRemoteSchema = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').describe('S3 bucket (SCCACHE_BUCKET).'),
  region: z.string().min(1).optional().describe('SCCACHE_REGION.'),
  endpoint: z.string().min(1).optional().describe('SCCACHE_ENDPOINT, for S3-compatible stores (MinIO, Ceph).'),
  use_ssl: z.boolean().optional().describe("SCCACHE_S3_USE_SSL (default: sccache's, true)."),
  key_prefix: z
    .string()
    .regex(/^[A-Za-z0-9._/-]*$/, 'must be letters, digits, ".", "_", "-" or "/"')
    .default('sccache')
    .describe('Key prefix (SCCACHE_S3_KEY_PREFIX); `/<arch>` (amd64, arm64) is always appended so architectures never share objects.'),
  cache_size: z.string().regex(/^[0-9]+[KMGT]?$/, 'must be a size such as 20G').optional().describe('SCCACHE_CACHE_SIZE of the local-disk fallback, e.g. 20G.'),
  server_side_encryption: z.boolean().optional().describe('SCCACHE_S3_SERVER_SIDE_ENCRYPTION.'),
});

export type SccacheRemote = z.infer<typeof SccacheRemoteSchema>;

export const PinsSchema = z.strictObject({
  platforms: z.array(Platform).min(1).optional().describe('Platforms a fragment is built for when it does not say.'),
  images: z.record(PinKey, perPlatform(ImageReference)).default({}).describe('key -> image reference (with a tag, and optionally a digest), or one per platform.'),
  versions: z.record(PinKey, ScalarString).default({}).describe('key -> version string.'),
  downloads: z.record(PinKey, Download).default({}).describe('key -> downloaded file.'),
  sccache: SccacheRemoteSchema.optional().describe('Remote sccache for compile steps (usually only in a CI profile), handed to them as the secret sccache-config; the last file that sets it wins as a whole. No hash input.'),
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
