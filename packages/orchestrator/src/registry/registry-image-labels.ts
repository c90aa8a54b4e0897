import { parsePlatform, pickPlatformChild } from './platform-match';
import { RegistryError, type ManifestDescriptor, type RegistryClient } from './registry-client';

/** What a tag names right now, read fresh from the registry (never from the client's per-run manifest cache). */
export interface TaggedImage {
  /** Digest of the manifest the tag points at (the per-platform manifest when the tag names an index). */
  digest: string;
  /** The image config's `config.Labels` (empty when it has none). */
  labels: Record<string, string>;
}

/**
 * Reads the labels of the image a tag points at: manifest -> config blob -> `config.Labels`. A tag naming an index
 * (or manifest list) is resolved to its child for `platform` (`linux/arm64`). Undefined when the tag does not exist.
 * Concurrent CI jobs may move a tag at any moment, so this always asks the registry again.
 */
export async function readTaggedImage(client: RegistryClient, repository: string, tag: string, platform: string): Promise<TaggedImage | undefined> {
  let found: { bytes: Buffer; digest: string };
  try {
    found = await client.manifestBytes(repository, tag);
  } catch (e) {
    if (e instanceof RegistryError && e.reason === 'not-found') return undefined;
    throw e;
  }
  let { bytes, digest } = found;
  let json = JSON.parse(bytes.toString('utf8')) as { manifests?: ManifestDescriptor[]; config?: ManifestDescriptor };
  if (!json.config && json.manifests) {
    const child = pickPlatformChild(json.manifests, parsePlatform(platform));
    if (!child) return { digest, labels: {} };
    ({ bytes, digest } = await client.manifestBytes(repository, child.digest));
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  }
  if (!json.config) return { digest, labels: {} };
  const config = (await client.blobJson(repository, json.config.digest)) as { config?: { Labels?: Record<string, string> | null } };
  return { digest, labels: config.config?.Labels ?? {} };
}
