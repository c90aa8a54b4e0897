import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { connectEngine, type EngineConnection } from '../../src/engine/connect-engine';
import { consumeEngineResponse } from '../../src/engine/consume-response';
import { copyImage, startSecondEngine, type SecondEngine } from '../support/second-engine';

const BASE = 'fragments-local/busybox:1.35.0-arm64';
const MAIN_SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const NAME = 'test';

/** One-file-per-entry ustar archive, in memory (a build context is two small files). */
function tarOf(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content, 'utf8');
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'ascii');
    const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
    field(0, 100, name);
    octal(100, 8, 0o644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, body.length);
    octal(136, 12, 0);
    field(148, 8, '        ');
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Content of the first entry of a tar archive (what GET /containers/{id}/archive returns for one file). */
function firstTarEntry(tar: Buffer): string {
  const size = parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  return tar.subarray(512, 512 + size).toString('utf8');
}

/** POST /build on a unix socket with a tar body; resolves with the summary after every line was checked. */
async function build(socketPath: string, query: Record<string, string>, context: Buffer): Promise<{ imageId?: string; lines: string[] }> {
  const lines: string[] = [];
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        method: 'POST',
        path: `/build?${new URLSearchParams(query)}`,
        headers: { 'Content-Type': 'application/x-tar', 'Content-Length': context.length, Connection: 'close' },
      },
      resolve,
    );
    req.once('error', reject);
    req.end(context);
  });
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    throw new Error(`POST /build: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`);
  }
  try {
    const summary = await consumeEngineResponse(res, {
      onMessage: (m) => {
        if (m.kind === 'stream') lines.push(m.text.trimEnd());
        if (m.kind === 'trace') for (const l of m.status.logs) lines.push(Buffer.from(l.msg).toString('utf8').trimEnd());
      },
    });
    return { imageId: summary.imageId, lines };
  } catch (e) {
    (e as Error).message += `\n  build output:\n    ${lines.join('\n    ')}`;
    throw e;
  }
}

function pgrep(pattern: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-a', '-f', pattern], (err, stdout) => {
      // pgrep: 0 = something matched, 1 = nothing matched.
      if (err && (err as { code?: number }).code !== 1) reject(err);
      else resolve(stdout.trim());
    });
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe('a second, independent engine (another platform\'s builder)', () => {
  let second: SecondEngine | undefined;
  let main: EngineConnection;
  let other: EngineConnection;
  const tag = `ft-second-${randomBytes(4).toString('hex')}/arch:latest`;
  const timings: string[] = [];

  beforeAll(async () => {
    main = await connectEngine(`unix://${MAIN_SOCKET}`);
    const base = await main.docker.getImage(BASE).inspect().catch(() => {
      throw new Error(`this test needs ${BASE} in the main engine: run \`bash tools/make-base-images.sh --arch arm64 --only busybox\``);
    });
    expect(base.Architecture).toBe('arm64');
    const t0 = Date.now();
    second = await startSecondEngine(NAME);
    timings.push(`start ${seconds(Date.now() - t0)}`);
    other = await connectEngine(second.dockerHost);
  });

  afterAll(async () => {
    if (!second) return;
    if (other) await other.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    await second.stop();
    console.log(`[second engine] ${timings.join(', ')}`);
  });

  it('is its own engine: other socket, data-root and engine ID, no bridge network', async () => {
    expect(second!.socket).toBe(`/run/fragments-engine-${NAME}.sock`);
    const [a, b] = await Promise.all([main.docker.info(), other.docker.info()]);
    expect(b.DockerRootDir).toBe(`/var/lib/fragments-engine-${NAME}`);
    expect(b.DockerRootDir).not.toBe(a.DockerRootDir);
    expect(b.ID).not.toBe(a.ID);
    const networks = await other.docker.listNetworks();
    expect(networks.filter((n) => n.Driver === 'bridge')).toEqual([]);
  });

  it('gets the arm64 base image streamed over from the main engine', async () => {
    const t0 = Date.now();
    await copyImage(MAIN_SOCKET, second!.socket, BASE);
    timings.push(`copy ${BASE} ${seconds(Date.now() - t0)}`);
    const [a, b] = await Promise.all([main.docker.getImage(BASE).inspect(), other.docker.getImage(BASE).inspect()]);
    expect(b.Id).toBe(a.Id);
    expect(b.Architecture).toBe('arm64');
    // Copying again is harmless (the load only re-tags).
    await copyImage(MAIN_SOCKET, second!.socket, BASE);
  });

  it('copyImage reports a missing image instead of loading nothing', async () => {
    await expect(copyImage(MAIN_SOCKET, second!.socket, 'fragments-local/no-such-image:0')).rejects.toThrow(/HTTP 404/);
  });

  it('builds linux/arm64 through the second engine; the image is there and not in the main engine', async () => {
    const context = tarOf({ Dockerfile: `FROM ${BASE}\nRUN uname -m > /arch\n` });
    const t0 = Date.now();
    const result = await build(second!.socket, { version: '2', networkmode: 'none', platform: 'linux/arm64', t: tag }, context);
    timings.push(`build ${seconds(Date.now() - t0)}`);
    expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);

    const built = await other.docker.getImage(tag).inspect();
    expect(built.Id).toBe(result.imageId);
    expect(built.Architecture).toBe('arm64');
    await expect(main.docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(main.docker.getImage(result.imageId!).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // RUN ran as arm64 (QEMU: the second engine shares this x86_64 kernel). Read /arch without starting anything.
    const container = await other.docker.createContainer({ Image: tag, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    try {
      const archive = await container.getArchive({ path: '/arch' });
      const chunks: Buffer[] = [];
      for await (const c of archive) chunks.push(c as Buffer);
      expect(firstTarEntry(Buffer.concat(chunks)).trim()).toBe('aarch64');
    } finally {
      await container.remove({ force: true });
    }
  });

  it('a failing build on the second engine is reported from its errorDetail line', async () => {
    const context = tarOf({ Dockerfile: `FROM ${BASE}\nRUN exit 3\n` });
    await expect(build(second!.socket, { version: '2', networkmode: 'none', platform: 'linux/arm64' }, context)).rejects.toThrow(/exit code: 3/);
  });

  it('stops without leaving a process behind, and stopping again is harmless', async () => {
    await other.docker.getImage(tag).remove({ force: true });
    const t0 = Date.now();
    await second!.stop();
    timings.push(`stop ${seconds(Date.now() - t0)}`);
    expect(await pgrep(`fragments-engine-${NAME}`)).toBe('');
    await second!.stop();
    expect(await pgrep(`fragments-engine-${NAME}`)).toBe('');
  });
});
