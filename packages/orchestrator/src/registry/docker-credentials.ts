import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors/user-error';
import type { RegistryCredentials } from '../model/registry-credentials';
import { DOCKER_HUB } from './image-reference';

/** Registry credentials from the docker CLI's config.json (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). */
export interface CredentialStore {
  /** The config file read, if any (for messages). */
  file?: string;
  /** Credentials for a registry domain as Docker names it (`docker.io`, `127.0.0.1:5000`), if configured. */
  forDomain(domain: string): RegistryCredentials | undefined;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/**
 * Reads `auths` (`auth` = base64 `user:password`, or `username`/`password`), per host. A host kept in a credential
 * helper (`credHelpers`, `credsStore`) is asked through `docker-credential-<helper> get`, as the docker CLI does.
 */
export function loadDockerCredentials(env: NodeJS.ProcessEnv = process.env): CredentialStore {
  const file = dockerConfigPath(env);
  if (!existsSync(file)) return { forDomain: () => undefined };
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
  const helpers = new Map(Object.entries(config.credHelpers ?? {}).map(([k, v]) => [normalizeDomain(k), v]));
  return {
    file,
    forDomain(domain) {
      const d = normalizeDomain(domain);
      const helper = helpers.get(d) ?? (auths.has(d) ? undefined : config.credsStore);
      return (helper ? fromHelper(helper, d) : undefined) ?? auths.get(d);
    },
  };
}

function decodeEntry(entry: { auth?: string; username?: string; password?: string }): RegistryCredentials | undefined {
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

function fromHelper(helper: string, domain: string): RegistryCredentials | undefined {
  const server = domain === DOCKER_HUB ? 'https://index.docker.io/v1/' : domain;
  try {
    const out = execFileSync(`docker-credential-${helper}`, ['get'], { input: server, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], timeout: 30_000, env: process.env });
    const parsed = JSON.parse(out) as { Username?: string; Secret?: string };
    return parsed.Username && parsed.Secret ? { username: parsed.Username, secret: parsed.Secret } : undefined;
  } catch {
    return undefined; // no such helper, or no credentials stored for this host: try anonymously
  }
}
