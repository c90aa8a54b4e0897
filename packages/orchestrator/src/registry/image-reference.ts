/**
 * An image reference split the way Docker normalizes it (distribution/reference `ParseNormalizedNamed`):
 * `busybox:1.36` -> docker.io / library/busybox / 1.36; `127.0.0.1:5000/test/bb:1` -> 127.0.0.1:5000 / test/bb / 1.
 */
export interface ImageReference {
  /** As written in pins.yaml. */
  original: string;
  /** Registry host as Docker names it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  domain: string;
  /** Repository path on that registry (`library/busybox`). */
  repository: string;
  /** Tag (default `latest`). */
  tag: string;
  /** Whether the reference names its tag; `busybox` and `busybox@sha256:…` do not (`tag` is then `latest`). */
  tagged: boolean;
  /** `sha256:…` when the reference already pins a digest. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

export function parseImageReference(ref: string): ImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = 'latest';
  // A tag is after the last ':' of the last path part (`127.0.0.1:5000/bb` has a port, not a tag).
  const lastColon = rest.lastIndexOf(':');
  const tagged = lastColon > rest.lastIndexOf('/');
  if (tagged) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  let domain = DOCKER_HUB;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      rest = rest.slice(slash + 1);
    }
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  const repository = domain === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest;
  return { original: ref, domain, repository, tag, tagged, digest };
}

/** Where the registry's HTTP API answers: Docker Hub's API host differs from its name. */
export function registryApiHost(domain: string): string {
  return domain === DOCKER_HUB ? 'registry-1.docker.io' : domain;
}

/**
 * Loopback registries speak plain http, as the engine assumes for 127.0.0.0/8 (and `localhost`); every other
 * registry is https.
 */
export function registryScheme(domain: string): 'http' | 'https' {
  const host = domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.split(':')[0];
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' ? 'http' : 'https';
}
