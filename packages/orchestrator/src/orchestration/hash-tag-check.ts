import type { PlannedBuild } from '../plan/make-plan';
import { readTaggedImage } from '../registry/registry-image-labels';
import { hashTag, registryName, registryRepository, type RegistryTarget } from '../registry/registry-target';
import { LABELS } from './image-labels';

/**
 * What a node's hash tag holds in the registry, judged by the content-hash label of the image it names:
 * - `missing`: no such tag;
 * - `same`: the manifest we pushed (digest equal);
 * - `equivalent`: another manifest, built from the same inputs (its hash label is this node's hash) — what a
 *   concurrent CI job building the same node leaves, since builds are not bit-for-bit reproducible (timestamps);
 * - `foreign`: an image whose hash label is another hash, or that has none: not something this hash may name.
 */
export type HashTagState =
  | { state: 'missing' }
  | { state: 'same'; digest: string }
  | { state: 'equivalent'; digest: string }
  | { state: 'foreign'; digest: string; foundHash: string | undefined };

export async function inspectHashTag(target: RegistryTarget, build: PlannedBuild, ourDigest?: string): Promise<HashTagState> {
  const image = await readTaggedImage(target.client, registryRepository(target, build), hashTag(build), build.platform);
  if (!image) return { state: 'missing' };
  if (ourDigest !== undefined && image.digest === ourDigest) return { state: 'same', digest: image.digest };
  const foundHash = image.labels[LABELS.hash];
  if (foundHash === build.hash) return { state: 'equivalent', digest: image.digest };
  return { state: 'foreign', digest: image.digest, foundHash };
}

/** The failure text for a hash tag that names the wrong image: registry, image, tag, what was expected and found. */
export function foreignHashTagMessage(target: RegistryTarget, build: PlannedBuild, state: { digest: string; foundHash: string | undefined }, when: string): string {
  const found = state.foundHash ? `an image labelled ${LABELS.hash}=${state.foundHash}` : `an image without a ${LABELS.hash} label`;
  return (
    `registry ${target.domain}: ${registryName(target, build)}:${hashTag(build)} ${when} names ${found} (${state.digest}), ` +
    `not this node's content hash ${build.hash}. Something other than a fragments build of the same inputs wrote that tag; ` +
    `delete the tag (or use another --registry prefix) and run again`
  );
}
