import http from 'node:http';
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { EnvironmentError } from '../errors/fragments-error';
import { UserError } from '../errors/user-error';
import { plainGet, type PlainHttpTarget } from './plain-http';

/** A reachable engine, with the API version pinned to what it speaks. */
export interface EngineConnection {
  /** The dockerode client, created (and dockerode required) on first use. */
  docker: Docker;
  /** Where it is, for messages: `unix:///var/run/docker.sock`, `tcp://…`. */
  address: string;
  apiVersion: string;
  /**
   * How to reach a plain-HTTP engine (unix socket or tcp) with node:http alone, for the small JSON requests of a
   * no-op build (ping, version, info, image inspect): dockerode, with gRPC and protobufjs, takes longer to load than
   * all of them together. Absent for ssh:// and https:// engines, which go through dockerode.
   */
  plainHttp?: PlainHttpTarget;
  /** The engine's GOARCH as /version reported it (`amd64`, `arm64`, `arm`, …), if it did. */
  goArch?: string;
}

const DEFAULT_SOCKETS = ['/var/run/docker.sock', ...(process.env.XDG_RUNTIME_DIR ? [`${process.env.XDG_RUNTIME_DIR}/docker.sock`] : [])];

/**
 * Finds the engine: DOCKER_HOST when set (only that: an explicit choice must not silently fall back), otherwise the
 * default socket, then the rootless one. When none answers, the error lists each address tried and why it failed.
 */
export async function connectEngine(dockerHost = process.env.DOCKER_HOST): Promise<EngineConnection> {
  const candidates = dockerHost ? [dockerHost] : DEFAULT_SOCKETS.map((s) => `unix://${s}`);
  const failures: string[] = [];
  for (const address of candidates) {
    try {
      return await tryEngine(address);
    } catch (e) {
      failures.push(`${address}${dockerHost ? ' (DOCKER_HOST)' : ''}: ${describe(e)}`);
    }
  }
  throw new EnvironmentError(
    `no Docker engine answers. Tried:\n    ${failures.join('\n    ')}`,
    { where: dockerHost ? 'DOCKER_HOST' : undefined, hint: 'start one with `sudo bash tools/ensure-engine.sh` (Debian: installs docker.io and starts dockerd), or point DOCKER_HOST at a running engine' },
  );
}

/** Connects to one address (a `unix://` path or `tcp://`/`ssh://` URL); rejects if it does not answer. */
export async function tryEngine(address: string): Promise<EngineConnection> {
  const options = dockerOptions(address);
  if (options.socketPath && !existsSync(options.socketPath)) throw new Error('no such socket');
  const plainHttp = plainHttpTarget(options);
  // The ping's API-Version header gives the version in one fast request (dockerd answers GET /version, which asks
  // containerd and runc for theirs, in about 50 ms: a sixth of a no-op build). /version only when the header is
  // missing; the architecture is asked for only when someone needs it (engineArchitecture).
  let version: { ApiVersion?: unknown; Arch?: unknown };
  if (plainHttp) {
    const ping = await plainGet(plainHttp, '/_ping', 5000);
    if (ping.statusCode !== 200) throw new Error(`/_ping answered HTTP ${ping.statusCode}`);
    const header = ping.headers['api-version'];
    if (typeof header === 'string' && /^\d+\.\d+$/.test(header)) version = { ApiVersion: header };
    else {
      const answer = await plainGet(plainHttp, '/version', 5000);
      if (answer.statusCode !== 200) throw new Error(`/version answered HTTP ${answer.statusCode}`);
      version = (answer.json ?? {}) as typeof version;
    }
  } else {
    version = await new (dockerode())({ ...options, timeout: 5000 }).version();
  }
  if (typeof version.ApiVersion !== 'string') throw new Error('/version answered without an API version: is this a Docker engine?');
  const apiVersion = version.ApiVersion;
  let docker: Docker | undefined;
  return {
    address,
    apiVersion,
    goArch: typeof version.Arch === 'string' ? version.Arch : undefined,
    plainHttp,
    // Keep-alive connections make BuildKit builds with streamed tar bodies hang intermittently (docker-modem#196).
    get docker() {
      return (docker ??= new (dockerode())({ ...options, version: `v${apiVersion}`, agent: new http.Agent({ keepAlive: false }) } as Docker.DockerOptions));
    },
  };
}

/**
 * dockerode, required on first use: it pulls in gRPC and protobufjs, more start-up than everything a no-op build or
 * `plan` otherwise loads.
 */
function dockerode(): typeof Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('dockerode') as typeof Docker;
}

function plainHttpTarget(options: Docker.DockerOptions): PlainHttpTarget | undefined {
  if (options.socketPath) return { socketPath: String(options.socketPath) };
  if (options.protocol === 'http' && options.host) return { host: options.host, port: Number(options.port) };
  return undefined;
}

function dockerOptions(address: string): Docker.DockerOptions {
  if (address.startsWith('unix://')) return { socketPath: address.slice('unix://'.length) };
  if (address.startsWith('/')) return { socketPath: address };
  const url = new URL(address);
  if (url.protocol === 'tcp:' || url.protocol === 'http:') return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
  if (url.protocol === 'https:') return { host: url.hostname, port: Number(url.port || 2376), protocol: 'https' };
  if (url.protocol === 'ssh:') return { host: url.hostname, port: Number(url.port || 22), username: url.username || undefined, protocol: 'ssh' };
  throw new UserError(`unsupported engine address ${address}`, { field: 'DOCKER_HOST' }, 'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host');
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} ${err.message}`.replace(/^(\w+) \1/, '$1') : err.message ?? String(e);
}
