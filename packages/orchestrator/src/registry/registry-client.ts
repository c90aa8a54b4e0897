import { createHash } from 'node:crypto';
import { EnvironmentError } from '../errors/fragments-error';
import type { RegistryCredentials } from '../model/registry-credentials';
import { registryApiHost, registryScheme } from './image-reference';

/** The four manifest media types a registry may answer with, indexes first. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const INDEX_TYPES = new Set<string>(MANIFEST_MEDIA_TYPES.slice(0, 2));

export type RegistryErrorReason = 'unreachable' | 'not-found' | 'auth' | 'protocol';

const REGISTRY_HINTS: Record<RegistryErrorReason, string> = {
  unreachable: 'check that the registry runs and that host and port are right (loopback registries are spoken to over http, others over https); a rerun continues where this one stopped',
  'not-found': 'check the repository and tag',
  auth: 'log in with `docker login <host>` (credentials come from ~/.docker/config.json; DOCKER_CONFIG selects its folder)',
  protocol: 'the registry answered something unexpected; try again, or report it with this output',
};

/**
 * A registry that could not be reached or refused or broke a request: an environment error naming the registry
 * host, with the reason (for the hint).
 */
export class RegistryError extends EnvironmentError {
  constructor(
    message: string,
    readonly reason: RegistryErrorReason,
    options: { where?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { hint: options.hint ?? REGISTRY_HINTS[reason], where: options.where, cause: options.cause });
  }
}

export interface PlatformDescriptor {
  os?: string;
  architecture?: string;
  variant?: string;
}

export interface ManifestDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: PlatformDescriptor;
}

export interface Manifest {
  mediaType: string;
  /** sha256 of the exact bytes the registry sent. */
  digest: string;
  isIndex: boolean;
  manifests: ManifestDescriptor[];
  config?: ManifestDescriptor;
}

type Fetch = typeof fetch;

/**
 * The registry HTTP API v2 for one registry host: manifests (read, HEAD, PUT) and blobs, with Bearer token auth
 * (`WWW-Authenticate: Bearer realm=…` -> token from the realm, Basic credentials when configured) and plain Basic auth.
 */
export class RegistryClient {
  private readonly base: string;
  private readonly tokens = new Map<string, string>();
  private readonly manifests = new Map<string, Promise<Manifest>>();

  constructor(
    readonly domain: string,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly fetchImpl: Fetch = fetch,
    private readonly timeoutMs = 60_000,
  ) {
    this.base = `${registryScheme(domain)}://${registryApiHost(domain)}`;
  }

  /** GET /v2/<repo>/manifests/<reference>, once per client. */
  manifest(repository: string, reference: string): Promise<Manifest> {
    const key = `${repository}:${reference}`;
    let pending = this.manifests.get(key);
    if (!pending) {
      pending = this.fetchManifest(repository, reference);
      this.manifests.set(key, pending);
    }
    return pending;
  }

  async blobJson(repository: string, digest: string): Promise<unknown> {
    const res = await this.request(repository, `blobs/${digest}`);
    if (!res.ok) throw await httpError(res, `blob ${digest}`, this.describe(repository));
    return JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8'));
  }

  private async fetchManifest(repository: string, reference: string): Promise<Manifest> {
    const res = await this.request(repository, `manifests/${reference}`, { headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } });
    if (!res.ok) throw await httpError(res, `tag "${reference}"`, this.describe(repository));
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const announced = res.headers.get('docker-content-digest');
    if (announced && announced.startsWith('sha256:') && announced !== digest) {
      throw new RegistryError(`the registry announced digest ${announced} for ${this.describe(repository)}:${reference} but sent a manifest whose sha256 is ${digest}`, 'protocol');
    }
    let json: { schemaVersion?: number; mediaType?: string; manifests?: ManifestDescriptor[]; config?: ManifestDescriptor };
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError(`the manifest of ${this.describe(repository)}:${reference} is not JSON`, 'protocol');
    }
    if (json.schemaVersion !== 2) throw new RegistryError(`${this.describe(repository)}:${reference} has a schema ${json.schemaVersion} manifest; only schema 2 / OCI are supported`, 'protocol');
    const mediaType = json.mediaType ?? (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const isIndex = INDEX_TYPES.has(mediaType) || (json.manifests !== undefined && json.config === undefined);
    return { mediaType, digest, isIndex, manifests: json.manifests ?? [], config: json.config };
  }

  /** Who we authenticate as, for messages (never the secret). */
  private who(): string {
    if (!this.credentials) return 'anonymous request';
    return isIdentityToken(this.credentials) ? 'identity token' : `credentials of user "${this.credentials.username}"`;
  }

  describe(repository: string): string {
    return `${this.domain}/${repository}`;
  }

  /** HEAD of a manifest: its digest, or undefined when the tag does not exist (any other failure throws). */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    const res = await this.request(repository, `manifests/${reference}`, { method: 'HEAD', headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw await httpError(res, `tag "${reference}"`, this.describe(repository));
    const digest = res.headers.get('docker-content-digest');
    if (digest) return digest;
    // A registry may omit the header on HEAD: fall back to hashing the body.
    return (await this.manifestBytes(repository, reference)).digest;
  }

  /** The exact manifest bytes and media type (to copy a manifest to another tag unchanged). */
  async manifestBytes(repository: string, reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
    const res = await this.request(repository, `manifests/${reference}`, { headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } });
    if (!res.ok) throw await httpError(res, `tag "${reference}"`, this.describe(repository));
    const bytes = Buffer.from(await res.arrayBuffer());
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim() || (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType || '';
    return { bytes, mediaType, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }

  /** PUT a manifest (or index) under a tag; Content-Type must equal its mediaType. Returns the stored digest. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.request(repository, `manifests/${reference}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: bytes, push: true });
    if (res.status !== 201 && !res.ok) throw await httpError(res, `tag "${reference}"`, this.describe(repository));
    await res.body?.cancel();
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const stored = res.headers.get('docker-content-digest');
    if (stored && stored !== digest) throw new RegistryError(`${this.describe(repository)}:${reference} was stored as ${stored}, not ${digest}`, 'protocol');
    return digest;
  }

  /** A request with the auth dance: try with what we have; on 401 follow the challenge once. */
  private async request(
    repository: string,
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: Buffer; push?: boolean } = {},
  ): Promise<Response> {
    const url = `${this.base}/v2/${repository}/${path}`;
    const scope = `repository:${repository}:${options.push ? 'pull,push' : 'pull'}`;
    const init = { method: options.method ?? 'GET', headers: options.headers ?? {}, body: options.body };
    let res = await this.send(url, init, this.tokens.get(scope));
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    await res.body?.cancel();
    const authorization = await this.authorize(challenge, scope);
    this.tokens.set(scope, authorization);
    res = await this.send(url, init, authorization);
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new RegistryError(`${this.domain} refused the ${this.who()} for ${this.describe(repository)} (HTTP ${res.status})`, 'auth');
    }
    return res;
  }

  private async authorize(challenge: Challenge, scope: string): Promise<string> {
    if (challenge.scheme === 'basic') {
      if (!this.credentials) throw new RegistryError(`${this.domain} requires a login (HTTP 401, Basic auth) and no credentials are configured for it`, 'auth');
      if (isIdentityToken(this.credentials)) throw new RegistryError(`${this.domain} asks for Basic auth, but its configured credentials are an identity token (usable only with a token service); log in with a username and password`, 'auth');
      return basicAuthorization(this.credentials);
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(`${this.domain} answered 401 with an authentication challenge fragments does not support: ${challenge.raw || '(none)'}`, 'auth');
    }
    const realm = new URL(challenge.params.realm);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope ?? scope);
    let res: Response;
    try {
      res = this.credentials && isIdentityToken(this.credentials)
        ? await this.fetchImpl(realm.origin + realm.pathname, { method: 'POST', body: refreshTokenForm(realm, this.credentials.secret), signal: AbortSignal.timeout(this.timeoutMs) })
        : await this.fetchImpl(realm, { headers: this.credentials ? { Authorization: basicAuthorization(this.credentials) } : {}, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new RegistryError(`cannot reach the token service ${realm.origin} of ${this.domain}: ${networkReason(e)}`, 'unreachable', { cause: e });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(`the token service ${realm.origin}${realm.pathname} of ${this.domain} refused ${!this.credentials ? 'an anonymous token' : isIdentityToken(this.credentials) ? 'the identity token' : `user "${this.credentials.username}"`} (HTTP ${res.status})`, 'auth');
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`the token service of ${this.domain} answered without a token`, 'auth');
    return `Bearer ${token}`;
  }

  private async send(url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }, authorization?: string): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
        method: init.method,
        headers: authorization ? { ...init.headers, Authorization: authorization } : init.headers,
        body: init.body,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new RegistryError(`cannot reach registry ${this.domain} (${new URL(url).origin}): ${networkReason(e)}`, 'unreachable', { cause: e });
    }
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
  raw: string;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"` -> scheme and params. */
export function parseChallenge(header: string | null): Challenge {
  const raw = header ?? '';
  const space = raw.indexOf(' ');
  const scheme = (space < 0 ? raw : raw.slice(0, space)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const rest = space < 0 ? '' : raw.slice(space + 1);
  for (const m of rest.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return { scheme, params, raw };
}

/** An empty username marks an identity token (config.json `identitytoken`): an OAuth2 refresh token. */
function isIdentityToken(c: RegistryCredentials): boolean {
  return c.username === '';
}

/**
 * The OAuth2 token request docker makes with an identity token (distribution's token spec, "refresh_token" grant):
 * POST to the realm, form-encoded, with service, scope and a client id.
 */
function refreshTokenForm(realm: URL, refreshToken: string): URLSearchParams {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'fragments' });
  const service = realm.searchParams.get('service');
  if (service) form.set('service', service);
  for (const scope of realm.searchParams.getAll('scope')) form.append('scope', scope);
  return form;
}

function basicAuthorization(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.secret}`).toString('base64')}`;
}

async function httpError(res: Response, what: string, where: string): Promise<RegistryError> {
  let codes = '';
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    codes = (body.errors ?? []).map((e) => e.code ?? e.message).filter(Boolean).join(', ');
  } catch {
    // not a registry error document
  }
  const detail = `HTTP ${res.status}${codes ? `, ${codes}` : ''}`;
  if (res.status === 404 && codes.includes('NAME_UNKNOWN')) return new RegistryError(`repository ${where} not found (${detail})`, 'not-found');
  if (res.status === 404) return new RegistryError(`${what} not found in ${where} (${detail})`, 'not-found');
  if (res.status === 401 || res.status === 403) return new RegistryError(`access to ${what} in ${where} denied (${detail})`, 'auth');
  return new RegistryError(`${where} answered ${detail} for ${what}`, 'protocol');
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is in `cause`. */
export function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
