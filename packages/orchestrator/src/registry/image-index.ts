import { createHash } from 'node:crypto';
import type { PlannedBuild } from '../plan/make-plan';
import { TAG_HEX_LENGTH } from '../plan/make-plan';
import type { RegistryClient } from './registry-client';

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * The tag of a node's multi-platform index: the first 16 hex of sha256 over its per-platform hashes (sorted by
 * platform). Any platform's change moves it; it never collides with a per-platform hash tag.
 */
export function indexTag(builds: readonly PlannedBuild[]): string {
  const lines = [...builds].sort((a, b) => a.platform.localeCompare(b.platform)).map((b) => `${b.platform}=${b.hash}`);
  return createHash('sha256').update(`index\n${lines.join('\n')}`).digest('hex').slice(0, TAG_HEX_LENGTH);
}

/**
 * Writes one image index (OCI) or manifest list (Docker), matching the media types the registry returned for the
 * per-platform manifests, under `tag`. Each child is described by its exact digest and size, with its platform.
 */
export async function putImageIndex(
  client: RegistryClient,
  repository: string,
  children: readonly { platform: string; reference: string }[],
  tag: string,
): Promise<{ digest: string; mediaType: string }> {
  const manifests = [];
  for (const child of children) {
    const m = await client.manifestBytes(repository, child.reference);
    const [os, architecture, variant] = child.platform.split('/');
    manifests.push({
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.bytes.length,
      platform: { architecture, os, ...(variant ? { variant } : architecture === 'arm64' ? { variant: 'v8' } : {}) },
    });
  }
  const docker = manifests.every((m) => m.mediaType === DOCKER_MANIFEST);
  const mediaType = docker ? DOCKER_LIST : OCI_INDEX;
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  const digest = await client.putManifest(repository, tag, body, mediaType);
  return { digest, mediaType };
}
