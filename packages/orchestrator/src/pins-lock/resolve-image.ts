import type { ImageReference } from '../registry/image-reference';
import { formatPlatform, matchesPlatform, parsePlatform, pickPlatformChild } from '../registry/platform-match';
import { RegistryError, type PlatformDescriptor, type RegistryClient } from '../registry/registry-client';

/**
 * The digest a build on `platform` should pull for `ref`.
 *
 * Builds go to the engine one platform at a time (`/build?platform=`), with `ref@digest` as the base image, so the
 * lock records the **per-platform image manifest** digest: for an index (manifest list) the child for `platform`,
 * for a single manifest its own digest, after checking its config says the same platform. Pinning the index digest
 * instead would let the index be re-pointed at other children without the lock noticing per platform.
 */
export async function resolvePlatformDigest(client: RegistryClient, ref: ImageReference, platform: string): Promise<string> {
  const manifest = await client.manifest(ref.repository, ref.tag);
  const want = parsePlatform(platform);
  if (manifest.isIndex) {
    const child = pickPlatformChild(manifest.manifests, want);
    if (!child) {
      const has = manifest.manifests.map((m) => formatPlatform(m.platform)).filter((p) => p !== 'unknown/unknown');
      throw new RegistryError(`${client.describe(ref.repository)}:${ref.tag} has no ${platform} image (it has: ${has.join(', ') || 'none'})`, 'not-found');
    }
    return child.digest;
  }
  if (manifest.config?.digest) {
    const config = (await client.blobJson(ref.repository, manifest.config.digest)) as PlatformDescriptor;
    if (config.architecture && config.os && !matchesPlatform(config, want)) {
      throw new RegistryError(`${client.describe(ref.repository)}:${ref.tag} is a single-platform image for ${formatPlatform(config)}, not ${platform}`, 'not-found');
    }
  }
  return manifest.digest;
}
