/** `registry:5000/repo/name:tag@sha256:…` split into its parts (the tag is after the last ':' of the last path part). */
export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const rest = at >= 0 ? reference.slice(0, at) : reference;
  const colon = rest.lastIndexOf(':');
  const tagged = colon > rest.lastIndexOf('/');
  return { name: tagged ? rest.slice(0, colon) : rest, tag: tagged ? rest.slice(colon + 1) : undefined, digest };
}

/**
 * Why a base image reference does not pin a version, or undefined when it does. A digest pins the content, so a
 * digest-only reference is fine; `latest` is refused even with a digest, because nobody can tell which version it is
 * and `fragments pins lock` would follow the tag to whatever it points at next.
 */
export function unpinnedReason(reference: string): string | undefined {
  if (reference.toLowerCase() === 'scratch') return undefined;
  const { tag, digest } = parseImageReference(reference);
  if (tag === undefined) return digest === undefined ? 'has no tag, so it means "latest" and changes under the build' : undefined;
  if (tag === 'latest') return 'uses the "latest" tag, which moves';
  return undefined;
}
