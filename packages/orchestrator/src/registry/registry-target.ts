import { UserError } from '../errors/user-error';
import type { PushAuth } from '../engine/push-image';
import type { PlannedBuild } from '../plan/make-plan';
import { TAG_HEX_LENGTH } from '../plan/make-plan';
import type { RegistryCredentials } from '../model/registry-credentials';
import { loadDockerCredentials, type CredentialStore } from './docker-credentials';
import { RegistryClient } from './registry-client';

/** Where `--push` sends images: `HOST[:PORT][/prefix]`, with that host's credentials (and only that host's). */
export interface RegistryTarget {
  /** As given, e.g. `127.0.0.1:5000/ci`. */
  spec: string;
  /** `127.0.0.1:5000`. */
  domain: string;
  /** Path prefix inside the registry, e.g. `ci` (may be empty). */
  pathPrefix: string;
  client: RegistryClient;
  /** X-Registry-Auth for engine pushes to this host. */
  pushAuth: PushAuth;
  /** Username whose credentials are used, for messages (never the password). */
  username?: string;
  /** Credentials for any host from the same store (BuildKit asks per host through the session). */
  credentialsFor(host: string): RegistryCredentials | undefined;
}

export function registryTarget(spec: string, credentials: CredentialStore = loadDockerCredentials()): RegistryTarget {
  const cleaned = spec.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const [domain, ...path] = cleaned.split('/');
  if (!domain || !/^[a-z0-9.-]+(:\d+)?$/i.test(domain) || (!domain.includes('.') && !domain.includes(':') && domain !== 'localhost')) {
    throw new UserError(`"${spec}" is not a registry address`, { field: '--registry' }, 'give HOST[:PORT][/prefix], e.g. 127.0.0.1:5000/dynamo or ghcr.io/ai-dynamo');
  }
  const creds = credentials.forDomain(domain);
  return {
    spec: cleaned,
    domain,
    pathPrefix: path.join('/'),
    client: new RegistryClient(domain, creds),
    pushAuth: creds ? { username: creds.username, password: creds.secret, serveraddress: domain } : { serveraddress: domain },
    username: creds?.username,
    credentialsFor: (host) => credentials.forDomain(host),
  };
}

/** Repository of a node's image in the registry: `<prefix>/<image>`. */
export function registryRepository(target: RegistryTarget, build: PlannedBuild): string {
  return target.pathPrefix ? `${target.pathPrefix}/${build.node.image}` : build.node.image;
}

/** `<domain>/<prefix>/<image>` — the name the engine tags and pushes. */
export function registryName(target: RegistryTarget, build: PlannedBuild): string {
  return `${target.domain}/${registryRepository(target, build)}`;
}

/** The content-hash tag, the same in the engine and the registry. */
export function hashTag(build: PlannedBuild): string {
  return build.hash.slice(0, TAG_HEX_LENGTH);
}
