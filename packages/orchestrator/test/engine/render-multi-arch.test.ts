import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pack } from 'tar-fs';
import { consumeEngineResponse } from '../../src/engine/consume-response';
import type { EngineConnection } from '../../src/engine/connect-engine';
import { renderNode } from '../../src/render/render-node';
import { writeSingleContext } from '../../src/render/single-context';
import { loadGraph } from '../../src/graph/load-graph';
import { openBuildSession } from '../../src/session';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';

const repo = resolve(__dirname, '../../../..');

/**
 * POST /build?version=2 of a folder (BuildKit, the engine's built-in Dockerfile frontend), for one platform, with a
 * BuildKit session as `docker build` always has one: compile steps mount optional secrets (the remote sccache's),
 * and BuildKit refuses any secret mount, optional or not, without a session.
 */
async function buildDir(engine: EngineConnection, dir: string, query: Record<string, unknown>): Promise<void> {
  const session = await openBuildSession(engine, {});
  try {
    await postDir(engine, dir, { ...query, session: session.id });
  } finally {
    await session.close();
  }
}

async function postDir(engine: EngineConnection, dir: string, query: Record<string, unknown>): Promise<void> {
  const response = await new Promise<IncomingMessage>((done, fail) =>
    engine.docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        options: { version: '2', networkmode: 'none', ...query },
        file: pack(dir),
        isStream: true,
        headers: { 'Content-Type': 'application/x-tar', Connection: 'close' },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (err, res) => (err ? fail(err) : done(res as IncomingMessage)),
    ),
  );
  await consumeEngineResponse(response);
}

/**
 * Issue 9, point 5, for real: ONE file rendered for linux/amd64,linux/arm64 (the offline stack's per-platform base
 * images become `FROM --platform=… AS <alias>-<arch>` + `FROM <alias>-${TARGETARCH}`) builds on each platform with
 * the same bytes, and each image is of its platform. (This engine cannot export a multi-platform image from one
 * request, so the file is built once per platform; `docker buildx build --platform a,b` does both in one.)
 */
describe('a Dockerfile rendered for both arches builds on each', () => {
  let fx: EngineFixture;
  let root: string;
  beforeAll(async () => {
    fx = await engineFixture();
    root = mkdtempSync(join(tmpdir(), 'render-multi-arch-'));
    cpSync(join(repo, 'examples/offline-stack'), root, { recursive: true });
    for (const name of readdirSync(join(root, 'fragments'))) {
      const file = join(root, 'fragments', name, 'fragment.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^image: offline\//m, `image: ${fx.prefix}`));
    }
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it.each([
    ['linux/amd64', 'x86_64', ['fragments-local/devel:bookworm-amd64', 'fragments-local/runtime:bookworm-amd64']],
    ['linux/arm64', 'aarch64', ['fragments-local/devel:bookworm-arm64', 'fragments-local/runtime:bookworm-arm64']],
  ])('runtime.vllm on %s', async (platform, uname, bases) => {
    for (const ref of [...bases, 'fragments-local/devel:bookworm-amd64', 'fragments-local/devel:bookworm-arm64']) {
      await fx.engine.docker.getImage(ref).inspect().catch(() => {
        throw new Error(`this test needs ${ref}: run \`FRAGMENTS_BASE_ARCH=all bash tools/setup.sh\` (or tools/make-base-images.sh --arch all)`);
      });
    }
    const result = renderNode(loadGraph({ root, profile: 'local' }), 'runtime.vllm', ['linux/amd64', 'linux/arm64'], { mode: 'single-context' });
    expect(result.dockerfile).toMatch(/^FROM --platform=linux\/arm64 fragments-local\/devel:bookworm-arm64 AS /m);
    const dir = join(root, `out-${uname}`);
    await writeSingleContext(result, dir);
    const tag = `${fx.prefix}rendered-both:${uname}`;
    await buildDir(fx.engine, dir, { t: [tag], target: 'runtime.vllm', platform, labels: JSON.stringify(fx.labels) });
    expect((await fx.engine.docker.getImage(tag).inspect()).Architecture).toBe(platform.split('/')[1]);
    const out = execFileSync('docker', ['run', '--rm', '--network', 'none', '--platform', platform, tag]).toString();
    expect(out).toContain(`arch: ${uname}`);
    expect(out).toMatch(/^selftest: ok \(vllm prefill/m);
  }, 300_000);
});
