import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { buildPlan } from '../../src/orchestration/build-plan';
import { main } from '../../src/cli/main';
import { makePlan } from '../../src/plan/make-plan';
import { formatLockFile } from '../../src/pins-lock/lock-file';
import { PinsLockSchema } from '../../src/schema/pins-schema';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { freePort, pushImage, startRegistry, untag, type TestRegistry } from '../support/registry';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const AMD64_IMAGE = process.env.FRAGMENTS_TEST_BASE ?? 'fragments-local/busybox:1.35.0-amd64';
const ARM64_IMAGE = 'fragments-local/busybox:1.35.0-arm64';
const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** Runs the CLI in-process; returns exit code and captured output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A loopback HTTP server for downloads: `/files/<name>` serves `files[name]`, anything else is 404. */
async function fileServer(files: Record<string, Buffer>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/files\//, '');
    const body = req.url?.startsWith('/files/') ? files[name] : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    // Written in slices so the reader really streams.
    for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.subarray(i, i + 64 * 1024));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('fragments pins lock against a real registry and a loopback file server', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let files: Awaited<ReturnType<typeof fileServer>>;
  let ws: TempWorkspace;
  let amd64Digest: string;
  let arm64Digest: string;
  let listDigest: string;
  const tarball = randomBytes(3 * 1024 * 1024 + 17);
  const pushed: string[] = [];

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
    files = await fileServer({ 'tool.tgz': tarball });
    const repo = `${registry.host}/test/bb`;
    amd64Digest = await pushImage(fx.engine.docker, AMD64_IMAGE, `${repo}:1`);
    pushed.push(`${repo}:1`);
    arm64Digest = await pushImage(fx.engine.docker, ARM64_IMAGE, `${repo}:arm64`);
    pushed.push(`${repo}:arm64`);
    listDigest = await putManifestList(registry, 'test/bb', 'multi', [
      { digest: amd64Digest, platform: { architecture: 'amd64', os: 'linux' } },
      { digest: arm64Digest, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    ]);
  });
  afterAll(async () => {
    for (const ref of pushed) await untag(fx.engine.docker, ref);
    await fx?.cleanup();
    await files?.close();
    await registry?.stop();
  });
  beforeEach(() => {
    ws = tempWorkspace({
      'pins.yaml': [
        'platforms: [linux/amd64]',
        'images:',
        `  bb: ${registry.host}/test/bb:1`,
        '  multi:',
        `    linux/amd64: ${registry.host}/test/bb:multi`,
        `    linux/arm64: ${registry.host}/test/bb:multi`,
        `  pinned: ${registry.host}/test/bb:1@${amd64Digest}`,
        'downloads:',
        `  tool: { url: ${files.url}/files/tool.tgz }`,
        '',
      ].join('\n'),
      'fragments/app/fragment.yaml': `image: ${fx.prefix}lock-app\nbases: { BASE: bb }\ndownloads: { TOOL: tool }\n`,
      'fragments/app/Dockerfile': 'ARG BASE\nFROM ${BASE}\nARG TOOL_URL\nARG TOOL_SHA256\nRUN echo "$TOOL_SHA256" > /tool.sha256\n',
    });
  });
  afterEach(() => ws.remove());

  const readLock = () => PinsLockSchema.parse(parseDocument(readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8')).toJS());

  it('records each image tag as the digest the engine pushed, per platform, and each download as its sha256', async () => {
    expect(listDigest).not.toBe(amd64Digest);
    const { code, stdout, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lock = readLock();
    expect(lock.images).toEqual({
      bb: { 'linux/amd64': { ref: `${registry.host}/test/bb:1`, digest: amd64Digest } },
      // An index: the child manifest of each platform, not the index digest.
      multi: {
        'linux/amd64': { ref: `${registry.host}/test/bb:multi`, digest: amd64Digest },
        'linux/arm64': { ref: `${registry.host}/test/bb:multi`, digest: arm64Digest },
      },
    });
    expect(lock.downloads).toEqual({ tool: { 'linux/amd64': { url: `${files.url}/files/tool.tgz`, sha256: sha256(tarball) } } });
    expect(stdout).toMatch(/images\.pinned\s+linux\/amd64\s+\S+\s+\(digest in pins.yaml\)\s+pinned/);
    expect(stdout).toMatch(/images\.bb\s+linux\/amd64\s+\S+\s+sha256:[0-9a-f]{12}\s+new/);
    expect(stdout).toContain('wrote pins.lock.yaml');

    // Stable text: the header comment, then sorted keys; a second run rewrites the same bytes and reports unchanged.
    const text = readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8');
    expect(text.startsWith('# pins.lock.yaml: what each image tag')).toBe(true);
    expect(text).toBe(formatLockFile(lock));
    const again = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(again.code).toBe(0);
    expect(readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8')).toBe(text);
    expect(again.stdout).not.toMatch(/\b(new|changed)\b/);
  });

  it('the plan then passes ref@digest and the checksum, and the engine builds FROM the locked digest', async () => {
    expect((await cli(['--root', ws.root, 'pins', 'lock'])).code).toBe(0);
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['app'], platforms: ['linux/amd64'] });
    const [build] = plan.builds;
    expect(build.buildArgs.BASE).toBe(`${registry.host}/test/bb:1@${amd64Digest}`);
    expect(build.buildArgs.TOOL_SHA256).toBe(sha256(tarball));
    expect(build.unlocked).toEqual([]);
    const result = await buildPlan(fx.engine, plan, { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress() });
    expect(result.results.map((r) => r.outcome)).toEqual(['built']);
  });

  it('keeps a custom header comment, and --only keeps the other section as it was', async () => {
    writeFileSync(join(ws.root, 'pins.lock.yaml'), `# our own header\nimages: {}\ndownloads:\n  tool:\n    linux/amd64: { url: old, sha256: "${'0'.repeat(64)}" }\n`);
    const { code } = await cli(['--root', ws.root, 'pins', 'lock', '--only', 'images']);
    expect(code).toBe(0);
    const text = readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8');
    expect(text.startsWith('# our own header\n')).toBe(true);
    const lock = readLock();
    expect(lock.images.bb['linux/amd64'].digest).toBe(amd64Digest);
    expect(lock.downloads.tool['linux/amd64']).toEqual({ url: 'old', sha256: '0'.repeat(64) });
  });

  it('a file:// download works too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragments-dl-'));
    try {
      const data = randomBytes(1000);
      writeFileSync(join(dir, 'a b.bin'), data);
      const url = pathToFileURL(join(dir, 'a b.bin')).href;
      ws.write('pins.yaml', `platforms: [linux/amd64, linux/arm64]\ndownloads:\n  local: { url: "${url}" }\n`);
      const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(readLock().downloads.local).toEqual({ 'linux/amd64': { url, sha256: sha256(data) }, 'linux/arm64': { url, sha256: sha256(data) } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with every broken entry named (key, platform, ref) and writes nothing', async () => {
    const closed = await freePort();
    writeFileSync(join(ws.root, 'pins.lock.yaml'), 'images: {}\ndownloads: {}\n');
    ws.write(
      'pins.yaml',
      [
        'platforms: [linux/amd64]',
        'images:',
        `  bb: ${registry.host}/test/bb:1`,
        `  missing-tag: ${registry.host}/test/bb:nope`,
        `  missing-repo: ${registry.host}/test/none:1`,
        `  down: 127.0.0.1:${closed}/test/bb:1`,
        '  wrong-arch:',
        `    linux/arm64: ${registry.host}/test/bb:1`,
        'downloads:',
        `  gone: { url: ${files.url}/files/gone.tgz }`,
        '',
      ].join('\n'),
    );
    const before = readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8');
    const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
    // One registry is down: an environment failure (exit 3), listed with the user's own mistakes.
    expect(code).toBe(3);
    expect(stderr).toContain('cannot lock the pins:');
    expect(stderr).toContain(`pins.yaml:4: images.missing-tag (linux/amd64): cannot resolve image ${registry.host}/test/bb:nope: tag "nope" not found in ${registry.host}/test/bb (HTTP 404, MANIFEST_UNKNOWN)`);
    expect(stderr).toContain(`pins.yaml:5: images.missing-repo (linux/amd64): cannot resolve image ${registry.host}/test/none:1: tag "1" not found in ${registry.host}/test/none (HTTP 404, MANIFEST_UNKNOWN)`);
    expect(stderr).toContain(`pins.yaml:6: images.down (linux/amd64): cannot resolve image 127.0.0.1:${closed}/test/bb:1: cannot reach registry 127.0.0.1:${closed} (http://127.0.0.1:${closed}): ECONNREFUSED`);
    expect(stderr).toContain(`images.wrong-arch (linux/arm64): cannot resolve image ${registry.host}/test/bb:1: ${registry.host}/test/bb:1 is a single-platform image for linux/amd64, not linux/arm64`);
    expect(stderr).toContain(`pins.yaml:10: downloads.gone (linux/amd64): cannot download ${files.url}/files/gone.tgz: HTTP 404 Not Found`);
    expect(stderr).not.toContain('images.bb ');
    // In pins order: images (sorted by key), then downloads.
    const order = ['images.down', 'images.missing-repo', 'images.missing-tag', 'images.wrong-arch', 'downloads.gone'].map((k) => stderr.indexOf(`${k} (`));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8')).toBe(before);
    expect(readdirSync(ws.root).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('is a user error (exit 1) when only the pins are wrong, and an environment error (exit 3) when only the network is', async () => {
    const closed = await freePort();
    ws.write('pins.yaml', ['platforms: [linux/amd64]', 'images:', `  missing-tag: ${registry.host}/test/bb:nope`, ''].join('\n'));
    const wrong = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('pins.yaml:3: images.missing-tag (linux/amd64)');
    ws.write('pins.yaml', ['platforms: [linux/amd64]', 'images:', `  down: 127.0.0.1:${closed}/test/bb:1`, ''].join('\n'));
    const down = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`pins.yaml:3: images.down (linux/amd64): cannot resolve image 127.0.0.1:${closed}/test/bb:1: cannot reach registry`);
    expect(down.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a bad --only', async () => {
    const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock', '--only', 'everything']);
    expect(code).toBe(1);
    expect(stderr).toContain('--only must be "images" or "downloads"');
    expect(existsSync(join(ws.root, 'pins.lock.yaml'))).toBe(false);
  });
});

describe('fragments pins lock with a registry that needs a login (htpasswd, Basic)', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let ws: TempWorkspace;
  let digest: string;
  let dockerConfig: string;
  const user = { username: 'fragments', password: `pw-${randomBytes(6).toString('hex')}` };
  const savedDockerConfig = process.env.DOCKER_CONFIG;
  let target: string;

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry({ htpasswd: user });
    target = `${registry.host}/private/bb:1`;
    digest = await pushImage(fx.engine.docker, AMD64_IMAGE, target, user);
    dockerConfig = mkdtempSync(join(tmpdir(), 'fragments-docker-config-'));
  });
  afterAll(async () => {
    if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedDockerConfig;
    if (target) await untag(fx.engine.docker, target);
    await fx?.cleanup();
    await registry?.stop();
    if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  });
  beforeEach(() => (ws = tempWorkspace({ 'pins.yaml': `platforms: [linux/amd64]\nimages:\n  private: ${target}\n` })));
  afterEach(() => ws.remove());

  const writeConfig = (password: string) =>
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { auth: Buffer.from(`${user.username}:${password}`).toString('base64') } } }));

  it('without credentials: an auth error naming the pin, and a hint to log in', async () => {
    process.env.DOCKER_CONFIG = join(dockerConfig, 'absent');
    const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(code).toBe(1);
    expect(stderr).toContain(`images.private (linux/amd64): cannot resolve image ${target}: ${registry.host} requires a login (HTTP 401, Basic auth) and no credentials are configured for it`);
    expect(stderr).toContain(`docker login ${registry.host}`);
    expect(existsSync(join(ws.root, 'pins.lock.yaml'))).toBe(false);
  });

  it('with a wrong password: the registry refuses the user', async () => {
    writeConfig('wrong');
    process.env.DOCKER_CONFIG = dockerConfig;
    const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(code).toBe(1);
    expect(stderr).toContain(`${registry.host} refused the credentials of user "fragments"`);
  });

  it('with credentials from $DOCKER_CONFIG/config.json: locks the pushed digest', async () => {
    writeConfig(user.password);
    process.env.DOCKER_CONFIG = dockerConfig;
    const { code, stderr } = await cli(['--root', ws.root, 'pins', 'lock']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(PinsLockSchema.parse(parseDocument(readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8')).toJS()).images.private['linux/amd64']).toEqual({ ref: target, digest });
  });
});

/** PUTs a Docker manifest list over existing manifests of `repo` (sizes read back from the registry). */
async function putManifestList(registry: TestRegistry, repo: string, tag: string, children: { digest: string; platform: Record<string, string> }[]): Promise<string> {
  const manifests = [];
  for (const child of children) {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${child.digest}`, { headers: { Accept: DOCKER_V2 } });
    if (!res.ok) throw new Error(`GET manifest ${child.digest}: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    manifests.push({ mediaType: DOCKER_V2, size: body.length, digest: child.digest, platform: child.platform });
  }
  const body = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests });
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': DOCKER_LIST }, body });
  if (res.status !== 201) throw new Error(`PUT manifest list: HTTP ${res.status} ${await res.text()}`);
  return `sha256:${sha256(Buffer.from(body))}`;
}
