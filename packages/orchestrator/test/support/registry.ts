import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { consumeEngineResponse } from '../../src/engine/consume-response';
import type { ResponseBody } from '../../src/engine/response-lines';

/**
 * A real registry for tests: Debian's `docker-registry` (distribution 2.8) serving a temp folder on 127.0.0.1:<free
 * port>, plain http (the engine treats 127.0.0.0/8 registries as insecure by default, so it pushes there too).
 * Always `stop()` it (afterAll): it kills the process and removes the folder.
 */
export interface TestRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  port: number;
  url: string;
  dir: string;
  /** Lines the registry printed (for failure messages). */
  log: string[];
  stop(): Promise<void>;
  /** Kills the process but keeps its storage, as a crash would; `startRegistry({ restart: registry })` brings it back. */
  crash(): Promise<void>;
}

export interface RegistryOptions {
  /** Require Basic auth with this user (htpasswd file made with `htpasswd -Bbn`). */
  htpasswd?: { username: string; password: string };
  /** Start again on the same port and storage as a crashed registry. */
  restart?: TestRegistry;
}

export const REGISTRY_BINARY = process.env.FRAGMENTS_TEST_REGISTRY ?? 'docker-registry';

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = options.restart?.dir ?? mkdtempSync(join(tmpdir(), 'fragments-registry-'));
  const port = options.restart?.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog: { disabled: true }',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete: { enabled: true }',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.htpasswd) {
    const line = execFileSync('htpasswd', ['-Bbn', options.htpasswd.username, options.htpasswd.password], { encoding: 'utf8' });
    writeFileSync(join(dir, 'htpasswd'), line.trim() + '\n');
    config.push('auth:', '  htpasswd:', '    realm: fragments-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  writeFileSync(join(dir, 'config.yml'), config.join('\n') + '\n');

  const log: string[] = [];
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const registry: TestRegistry = {
    host,
    port,
    url: `http://${host}`,
    dir,
    log,
    stop: async () => {
      await killAndWait(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitForRegistry(registry, child);
  } catch (e) {
    await registry.stop();
    throw e;
  }
  return registry;
}

async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** /v2/ answers 200 (open) or 401 (auth) once the registry listens. */
async function waitForRegistry(registry: TestRegistry, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${REGISTRY_BINARY} exited with ${child.exitCode}:\n${registry.log.join('\n')}`);
    try {
      const res = await fetch(`${registry.url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${REGISTRY_BINARY} did not answer on ${registry.url}/v2/ within 20 s:\n${registry.log.join('\n')}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Tags `source` as `target` and pushes it through the engine, reading the push stream line by line (a failed push
 * still answers HTTP 200; the error is an `errorDetail` line). Returns the pushed manifest digest from the engine's
 * RepoDigests. The `target` tag is left in place: remove it with `untag`.
 */
export async function pushImage(docker: Docker, source: string, target: string, auth: { username?: string; password?: string } = {}): Promise<string> {
  const colon = target.lastIndexOf(':');
  const repo = target.slice(0, colon);
  await docker.getImage(source).tag({ repo, tag: target.slice(colon + 1) });
  const serveraddress = repo.split('/')[0];
  const stream = await docker.getImage(target).push({ authconfig: { ...auth, serveraddress } } as Parameters<Docker.Image['push']>[0]);
  await consumeEngineResponse(stream as unknown as ResponseBody);
  const info = await docker.getImage(target).inspect();
  const digest = (info.RepoDigests ?? []).find((d) => d.startsWith(`${repo}@`));
  if (!digest) throw new Error(`the engine has no RepoDigest for ${repo} after the push: ${JSON.stringify(info.RepoDigests)}`);
  return digest.slice(repo.length + 1);
}

/** Removes a tag made by pushImage (only the tag: the image keeps its other names). */
export async function untag(docker: Docker, ref: string): Promise<void> {
  await docker.getImage(ref).remove({ noprune: true }).catch(() => undefined);
}
