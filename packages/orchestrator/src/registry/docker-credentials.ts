import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors/user-error';
import type { RegistryCredentials } from '../model/registry-credentials';
import { runCredentialHelper } from './credential-helper';
import { DOCKER_HUB } from './image-reference';

/** Registry credentials from the docker CLI's config.json (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). */
export interface CredentialStore {
  /** The config file read, if any (for messages). */
  file?: string;
  /**
   * Credentials for a registry domain as Docker names it (`docker.io`, `127.0.0.1:5000`), if configured. Rejects,
   * naming helper and host, when a credential helper is missing, fails, times out or prints no JSON.
   */
  forDomain(domain: string): Promise<RegistryCredentials | undefined>;
}

export interface CredentialStoreOptions {
  /** How long a credential helper may take before it is killed and the lookup fails. Default 30 s. */
  helperTimeoutMs?: number;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/**
 * Reads `auths` (`auth` = base64 `user:password`, or `username`/`password`, or an `identitytoken`), per host. A host
 * kept in a credential helper (`credHelpers`, `credsStore`) is asked through `docker-credential-<helper> get`, as the
 * docker CLI does, but asynchronously: the BuildKit session asks for credentials while it must keep answering the
 * daemon's health checks. Each host is looked up once per store (one store per run); concurrent requests for the
 * same host share that one lookup.
 */
export function loadDockerCredentials(env: NodeJS.ProcessEnv = process.env, options: CredentialStoreOptions = {}): CredentialStore {
  const file = dockerConfigPath(env);
  if (!existsSync(file)) return { forDomain: async () => undefined };
  let config: DockerConfigFile;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfigFile;
  } catch (e) {
    throw new UserError(`cannot read registry credentials: ${(e as Error).message}`, { file }, 'fix or remove the file (DOCKER_CONFIG selects another folder)');
  }
  const auths = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const credentials = decodeEntry(entry);
    if (credentials) auths.set(normalizeDomain(key), credentials);
  }
  const helpers = new Map(Object.entries(config.credHelpers ?? {}).map(([k, v]) => [normalizeDomain(k), { helper: v, field: `credHelpers.${k}` }]));
  const lookups = new Map<string, Promise<RegistryCredentials | undefined>>();
  const lookup = async (d: string): Promise<RegistryCredentials | undefined> => {
    const chosen = helpers.get(d) ?? (auths.has(d) || !config.credsStore ? undefined : { helper: config.credsStore, field: 'credsStore' });
    if (!chosen) return auths.get(d);
    const server = d === DOCKER_HUB ? 'https://index.docker.io/v1/' : d;
    const found = await runCredentialHelper(chosen.helper, server, { timeoutMs: options.helperTimeoutMs, configFile: file, field: chosen.field });
    return found ?? auths.get(d);
  };
  return {
    file,
    forDomain(domain) {
      const d = normalizeDomain(domain);
      let pending = lookups.get(d);
      if (!pending) {
        pending = lookup(d);
        lookups.set(d, pending);
      }
      return pending;
    },
  };
}

/**
 * An `identitytoken` wins over a password, as in the docker CLI: it is an OAuth2 refresh token, carried with an
 * empty username (the shape BuildKit's session and the registry client recognise).
 */
function decodeEntry(entry: AuthEntry): RegistryCredentials | undefined {
  if (entry.identitytoken) return { username: '', secret: entry.identitytoken };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) return { username: text.slice(0, colon), secret: text.slice(colon + 1) };
  }
  if (entry.username && entry.password !== undefined) return { username: entry.username, secret: entry.password };
  return undefined;
}

/** `https://index.docker.io/v1/` -> `docker.io`; `http://host:5000/` -> `host:5000`. */
export function normalizeDomain(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}
