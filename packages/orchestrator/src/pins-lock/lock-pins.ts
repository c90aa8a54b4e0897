import { EnvironmentError } from '../errors/fragments-error';
import { UserError, UserErrors } from '../errors/user-error';
import { mapLimited } from './map-limited';
import type { PinsLock } from '../schema/pins-schema';
import type { EffectivePins } from '../workspace/load-pins';
import { loadDockerCredentials, type CredentialStore } from '../registry/docker-credentials';
import { DownloadError, sha256OfUrl } from './download-digest';
import { parseImageReference } from '../registry/image-reference';
import { RegistryClient, RegistryError } from '../registry/registry-client';
import { resolvePlatformDigest } from './resolve-image';

export type LockSection = 'images' | 'downloads';

export interface LockOptions {
  /** Resolve only this section; the other keeps its current lock entries. */
  only?: LockSection;
  /** Default: the docker CLI's config.json (DOCKER_CONFIG honoured). */
  credentials?: CredentialStore;
  /** Requests in flight at once. */
  concurrency?: number;
  fetch?: typeof fetch;
}

export interface LockedEntry {
  section: LockSection;
  key: string;
  platform: string;
  /** The image reference or URL from pins.yaml (or the profile). */
  source: string;
  /** `sha256:…` manifest digest, or the download's hex sha256; absent for `pinned`. */
  value?: string;
  /** new: no entry before; changed: a different value or source; pinned: pins.yaml already holds a digest. */
  status: 'new' | 'changed' | 'unchanged' | 'pinned';
}

export interface LockResult {
  lock: PinsLock;
  entries: LockedEntry[];
}

interface Job {
  section: LockSection;
  key: string;
  platform: string;
  source: string;
}

/**
 * Resolves every image tag (per platform, to the platform's manifest digest; see resolvePlatformDigest) and every
 * download (its sha256) of the effective pins. All-or-nothing: if any entry fails, every failure is thrown together,
 * each naming pin key, platform and reference (UserErrors; an EnvironmentError listing them all when a registry or
 * the network failed), and no lock is returned.
 */
export async function lockPins(pins: EffectivePins, options: LockOptions = {}): Promise<LockResult> {
  const jobs = listJobs(pins, options.only);
  const credentials = options.credentials ?? loadDockerCredentials();
  // One client per registry host, made once its credentials are known (a helper runs once per host).
  const clients = new Map<string, Promise<RegistryClient>>();
  const client = (domain: string) => {
    let c = clients.get(domain);
    if (!c) {
      c = credentials.forDomain(domain).then((found) => new RegistryClient(domain, found, options.fetch));
      clients.set(domain, c);
    }
    return c;
  };
  const downloads = new Map<string, Promise<string>>();
  const resolve = async (job: Job): Promise<string | undefined> => {
    if (job.section === 'downloads') {
      let pending = downloads.get(job.source);
      if (!pending) downloads.set(job.source, (pending = sha256OfUrl(job.source, options.fetch)));
      return pending;
    }
    const ref = parseImageReference(job.source);
    if (ref.digest) return undefined; // pinned in pins.yaml already
    return resolvePlatformDigest(await client(ref.domain), ref, job.platform);
  };

  const errors: (UserError | EnvironmentError | undefined)[] = [];
  const results = await mapLimited(jobs.map((job, i) => [job, i] as const), options.concurrency ?? 4, async ([job, i]) => {
    try {
      return await resolve(job);
    } catch (e) {
      if (!(e instanceof RegistryError || e instanceof DownloadError || e instanceof UserError)) throw e;
      errors[i] = jobError(pins, job, e, credentials); // by job index: reported in pins order, not arrival order
      return undefined;
    }
  });
  const failed = errors.filter((e): e is UserError | EnvironmentError => e !== undefined);
  if (failed.some((e) => e.kind === 'environment')) {
    // Every failure is listed either way; the kind (and exit code) says a registry or the network failed.
    throw new EnvironmentError(`cannot lock the pins:\n${failed.map((e) => e.format()).join('\n')}`);
  }
  if (failed.length > 0) throw new UserErrors(failed as UserError[]);

  const lock: PinsLock = {
    images: options.only === 'downloads' ? structuredClone(pins.lock.images) : {},
    downloads: options.only === 'images' ? structuredClone(pins.lock.downloads) : {},
  };
  const entries = jobs.map((job, i): LockedEntry => {
    const value = results[i];
    if (value === undefined) return { ...job, status: 'pinned' };
    const before = job.section === 'images' ? pins.lock.images[job.key]?.[job.platform] : pins.lock.downloads[job.key]?.[job.platform];
    const beforeSource = before && ('ref' in before ? before.ref : before.url);
    const beforeValue = before && ('digest' in before ? before.digest : before.sha256);
    const status = !before ? 'new' : beforeSource === job.source && beforeValue === value ? 'unchanged' : 'changed';
    if (job.section === 'images') (lock.images[job.key] ??= {})[job.platform] = { ref: job.source, digest: value };
    else (lock.downloads[job.key] ??= {})[job.platform] = { url: job.source, sha256: value };
    return { ...job, value, status };
  });
  return { lock, entries };
}

/** One job per pin and platform: a per-platform map names its platforms, a plain value is for every pins platform. */
function listJobs(pins: EffectivePins, only?: LockSection): Job[] {
  const jobs: Job[] = [];
  const perPlatform = (value: string | Record<string, string>) => (typeof value === 'string' ? pins.platforms.map((p) => [p, value] as const) : Object.entries(value));
  if (only !== 'downloads') {
    for (const key of Object.keys(pins.images).sort()) {
      for (const [platform, source] of perPlatform(pins.images[key])) jobs.push({ section: 'images', key, platform, source });
    }
  }
  if (only !== 'images') {
    for (const key of Object.keys(pins.downloads).sort()) {
      for (const [platform, source] of perPlatform(pins.downloads[key].url)) jobs.push({ section: 'downloads', key, platform, source });
    }
  }
  // Images before downloads (as in pins.yaml), then by key and platform.
  return jobs.sort((a, b) => (a.section === b.section ? 0 : a.section === 'images' ? -1 : 1) || a.key.localeCompare(b.key) || a.platform.localeCompare(b.platform));
}

/**
 * The failure, named by pin key, platform and the file:line that set it: a user error when the pin is wrong (no such
 * tag or URL, missing login), an environment error when the registry or network failed (unreachable, 5xx, cut off).
 */
function jobError(pins: EffectivePins, job: Job, e: Error, credentials: CredentialStore): UserError | EnvironmentError {
  const source = pins.sources.get(`${job.section}.${job.key}`);
  const what = job.section === 'images' ? `cannot resolve image ${job.source}` : `cannot download ${job.source}`;
  const hint =
    e instanceof RegistryError
      ? {
          unreachable: 'check the registry host and port, and that this machine may reach it (loopback registries are spoken to over http, others over https)',
          'not-found': 'check the repository, tag and platform in pins.yaml (or the profile)',
          auth: `log in with \`docker login ${parseImageReference(job.source).domain}\`${credentials.file ? ` (credentials are read from ${credentials.file})` : ' (no docker config.json found; DOCKER_CONFIG selects its folder)'}`,
          protocol: 'the registry answered something unexpected; try again, or report it',
        }[e.reason]
      : 'check the URL in pins.yaml (or the profile)';
  const message = `${job.section}.${job.key} (${job.platform}): ${what}: ${e.message}`;
  const environmental = e instanceof RegistryError ? e.reason === 'unreachable' || e.reason === 'protocol' : e instanceof DownloadError && e.failure === 'network';
  if (environmental) return new EnvironmentError(message, { where: source ? `${source.file}${source.line ? `:${source.line}` : ''}` : undefined, hint, cause: e });
  return new UserError(message, { file: source?.file, line: source?.line }, hint);
}
