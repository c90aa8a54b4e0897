import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { consumeEngineResponse } from '../../src/engine/consume-response';

/**
 * A second, independent Docker engine on this machine (tools/start-engine-instance.sh): its own socket, data-root,
 * exec-root, managed containerd and engine ID, no bridge network. Tests use it as "the engine of another platform"
 * (what a native arm64 builder would be). It runs on the same kernel, so /info still says x86_64: arm64 builds in it
 * run under QEMU, like on the main engine. Always `stop()` it (afterAll); its data-root is kept between runs.
 */
export interface SecondEngine {
  /** Unix socket path, e.g. `/run/fragments-engine-test.sock`. */
  socket: string;
  /** The same as a DOCKER_HOST / FRAGMENTS_ENGINE_<ARCH> value: `unix:///run/fragments-engine-test.sock`. */
  dockerHost: string;
  /** Stops dockerd and its containerd and waits until they have exited. Idempotent. */
  stop(): Promise<void>;
}

export const ENGINE_INSTANCE_SCRIPT = join(__dirname, '..', '..', '..', '..', 'tools', 'start-engine-instance.sh');

/** The script's socket for NAME (it prints the same path when the engine answers). */
export function instanceSocket(name: string): string {
  return `/run/fragments-engine-${name}.sock`;
}

export async function startSecondEngine(name = 'test'): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) {
    throw new Error(`a second engine needs root (dockerd); run the engine tests as root, or start it yourself: sudo bash ${ENGINE_INSTANCE_SCRIPT} ${name}`);
  }
  const out = await runScript([name]);
  const socket = out.trim().split('\n').pop() ?? '';
  if (socket !== instanceSocket(name)) throw new Error(`${ENGINE_INSTANCE_SCRIPT} ${name} printed ${JSON.stringify(out)}, expected ${instanceSocket(name)}`);
  return {
    socket,
    dockerHost: `unix://${socket}`,
    stop: async () => {
      await runScript([name, '--stop']);
    },
  };
}

/** Runs the script; rejects with its stderr (its log lines) when it fails. Resolves with its stdout. */
function runScript(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [ENGINE_INSTANCE_SCRIPT, ...args], { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bash ${ENGINE_INSTANCE_SCRIPT} ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Copies image `ref` from one engine to another: `GET /images/<ref>/get` streamed straight into `POST /images/load`
 * (no temp file, nothing pulled). Every line of the load response is checked for `errorDetail`, and afterwards the
 * target engine must hold `ref`. Sockets are unix socket paths.
 */
export async function copyImage(fromSocket: string, toSocket: string, ref: string): Promise<void> {
  const path = `/images/${encodeRef(ref)}`;
  const source = await request(fromSocket, 'GET', `${path}/get`);
  if (source.statusCode !== 200) {
    throw new Error(`GET ${path}/get on ${fromSocket}: HTTP ${source.statusCode}: ${await text(source)}`);
  }
  const load = http.request({
    socketPath: toSocket,
    method: 'POST',
    path: '/images/load?quiet=1',
    headers: { 'Content-Type': 'application/x-tar', Connection: 'close' },
  });
  const loaded = new Promise<http.IncomingMessage>((resolve, reject) => {
    load.once('response', resolve);
    load.once('error', reject);
  });
  // Both ends at once: the body goes out while the response (which may come early, on an error) is awaited.
  const sent = pipeline(source, load);
  let response: http.IncomingMessage;
  try {
    response = await loaded;
  } catch (e) {
    source.destroy();
    await sent.catch(() => undefined);
    throw new Error(`POST /images/load on ${toSocket} failed while sending ${ref}: ${(e as Error).message}`);
  }
  if (response.statusCode !== 200) {
    source.destroy();
    await sent.catch(() => undefined);
    throw new Error(`POST /images/load on ${toSocket}: HTTP ${response.statusCode}: ${await text(response)}`);
  }
  const loadedRefs: string[] = [];
  try {
    await Promise.all([
      sent,
      consumeEngineResponse(response, { onMessage: (m) => m.kind === 'stream' && loadedRefs.push(m.text.trim()) }),
    ]);
  } catch (e) {
    source.destroy();
    response.destroy();
    throw new Error(`copying ${ref} from ${fromSocket} to ${toSocket}: ${(e as Error).message}`);
  }
  const check = await request(toSocket, 'GET', `${path}/json`);
  const body = await text(check);
  if (check.statusCode !== 200) {
    throw new Error(`after loading ${ref} into ${toSocket} it does not have it (HTTP ${check.statusCode}: ${body}); load said: ${loadedRefs.join(' | ')}`);
  }
}

/** Keeps the `/` of a repository path (the engine's route takes `{name:.*}`), escapes anything else unusual. */
function encodeRef(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}

function request(socketPath: string, method: string, path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: { Connection: 'close' } }, resolve);
    req.once('error', reject);
    req.end();
  });
}

async function text(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
