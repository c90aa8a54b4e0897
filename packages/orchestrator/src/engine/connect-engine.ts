import http from 'node:http';
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { EnvironmentError } from '../errors/fragments-error';
import { UserError } from '../errors/user-error';

/** A reachable engine, with the API version pinned to what it speaks. */
export interface EngineConnection {
  docker: Docker;
  /** Where it is, for messages: `unix:///var/run/docker.sock`, `tcp://…`. */
  address: string;
  apiVersion: string;
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

/** Connects to one address (a `unix://` path or `tcp://`/`ssh://` URL); rejects if it does not answer /_ping. */
export async function tryEngine(address: string): Promise<EngineConnection> {
  const options = dockerOptions(address);
  if (options.socketPath && !existsSync(options.socketPath)) throw new Error('no such socket');
  // Loaded on first use: dockerode pulls in gRPC and protobufjs, a quarter of the CLI's start-up for commands
  // (list, graph, plan --no-engine) that never talk to an engine.
  const { default: DockerClient } = await import('dockerode');
  const probe = new DockerClient({ ...options, timeout: 5000 });
  await probe.ping();
  const { ApiVersion } = await probe.version();
  // Keep-alive connections make BuildKit builds with streamed tar bodies hang intermittently (docker-modem#196).
  const docker = new DockerClient({ ...options, version: `v${ApiVersion}`, agent: new http.Agent({ keepAlive: false }) } as Docker.DockerOptions);
  return { docker, address, apiVersion: ApiVersion };
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
