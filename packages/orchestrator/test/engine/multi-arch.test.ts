import { execFileSync } from 'node:child_process';
import { buildPlan } from '../../src/orchestration/build-plan';
import { makePlan } from '../../src/plan/make-plan';
import { registryTarget, type RegistryTarget } from '../../src/registry/registry-target';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { startRegistry, type TestRegistry } from '../support/registry';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** lib -> app on both platforms; the base image is chosen per platform through pins (arm64 runs under QEMU). */
function multiArchStack(prefix: string, extra: Record<string, string> = {}): TempWorkspace {
  return tempWorkspace({
    'pins.yaml': [
      'platforms: [linux/amd64, linux/arm64]',
      'images:',
      '  busybox: { linux/amd64: "fragments-local/busybox:1.35.0-amd64", linux/arm64: "fragments-local/busybox:1.35.0-arm64" }',
      '',
    ].join('\n'),
    'fragments/lib/fragment.yaml': `image: ${prefix}lib\nbases: { BASE: busybox }\n`,
    'fragments/lib/Dockerfile': 'ARG BASE\nFROM ${BASE}\nRUN uname -m > /lib-arch\n',
    'fragments/app/fragment.yaml': `image: ${prefix}app\nuses: { LIB: lib }\n`,
    'fragments/app/Dockerfile': 'ARG LIB\nFROM ${LIB}\nRUN uname -m > /app-arch && cat /lib-arch /app-arch\n',
    ...extra,
  });
}

describe('multi-arch: amd64 natively, arm64 under QEMU, one image index per node', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let target: RegistryTarget;
  beforeAll(async () => {
    fx = await engineFixture();
    for (const ref of ['fragments-local/busybox:1.35.0-arm64']) {
      await fx.engine.docker.getImage(ref).inspect().catch(() => {
        throw new Error(`multi-arch tests need ${ref}: run \`bash tools/make-base-images.sh --arch arm64 --only busybox\``);
      });
    }
    registry = await startRegistry();
    target = registryTarget(registry.host, { forDomain: () => undefined });
  });
  afterAll(async () => {
    await fx?.cleanup();
    await registry?.stop();
  });

  const build = async (ws: TempWorkspace, tags: string[]) =>
    buildPlan(fx.engine, await makePlan(loadGraph({ root: ws.root }), { targets: ['app'], platforms: PLATFORMS }), {
      parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: target, tags,
    });

  it('builds both platforms, writes an index listing both per-platform digests, and each platform pulls its own image', async () => {
    const ws = multiArchStack(fx.prefix);
    try {
      const result = await build(ws, ['main']);
      expect(result.results.map((r) => [r.build.key, r.outcome])).toEqual([
        ['lib@amd64', 'built'], ['app@amd64', 'built'], ['lib@arm64', 'built'], ['app@arm64', 'built'],
      ]);
      expect(result.indexes).toHaveLength(2);

      const repo = `${fx.prefix}app`;
      const index = await target.client.manifest(repo, 'main');
      expect(index.isIndex).toBe(true);
      const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['app'], platforms: PLATFORMS });
      for (const platform of PLATFORMS) {
        const perPlatform = plan.builds.find((b) => b.node.id === 'app' && b.platform === platform)!;
        const digest = await target.client.manifestDigest(repo, perPlatform.hash.slice(0, 16));
        const entry = index.manifests.find((m) => m.platform?.architecture === platform.split('/')[1]);
        expect(entry?.digest).toBe(digest);
      }

      // Pull each platform from the index and run it: arm64 really is arm64.
      const ref = `${registry.host}/${repo}:main`;
      for (const [platform, arch] of [['linux/arm64', 'aarch64'], ['linux/amd64', 'x86_64']]) {
        execFileSync('docker', ['pull', '-q', '--platform', platform, ref]);
        const out = execFileSync('docker', ['run', '--rm', '--network', 'none', '--platform', platform, ref, 'sh', '-c', 'cat /lib-arch /app-arch; uname -m']).toString();
        expect(out.trim().split('\n')).toEqual([arch, arch, arch]);
        execFileSync('docker', ['rmi', ref]);
      }
    } finally {
      ws.remove();
    }
  }, 300_000);

  it('promotes no tag and writes no index when one platform fails', async () => {
    const ws = multiArchStack(fx.prefix, {
      'fragments/app/Dockerfile': 'ARG LIB\nFROM ${LIB}\nRUN echo second > /second && [ "$(uname -m)" != aarch64 ]\n',
    });
    try {
      const result = await build(ws, ['release']);
      const outcome = Object.fromEntries(result.results.map((r) => [r.build.key, r.outcome]));
      expect(outcome['app@amd64']).toBe('built');
      expect(outcome['app@arm64']).toBe('failed');
      expect(result.tagged).toEqual([]);
      expect(result.indexes).toEqual([]);
      expect(await target.client.manifestDigest(`${fx.prefix}app`, 'release')).toBeUndefined();
    } finally {
      ws.remove();
    }
  }, 300_000);
});

// Test images carry the run label; pulled copies are removed in the test.
void RUN_LABEL;
