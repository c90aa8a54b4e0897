import { buildPlan } from '../../src/orchestration/build-plan';
import { EXIT_CODES } from '../../src/errors/fragments-error';
import { loadGraph } from '../../src/graph/load-graph';
import { makePlan } from '../../src/plan/make-plan';
import type { ProgressSink } from '../../src/progress/progress-sink';
import { RegistryClient, RegistryError } from '../../src/registry/registry-client';
import { hashTag, registryRepository, registryTarget } from '../../src/registry/registry-target';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { freePort, startRegistry, type TestRegistry } from '../support/registry';
import { runCliInProcess } from '../support/run-cli';
import { testStack } from '../support/test-stack';
import type { TempWorkspace } from '../support/temp-workspace';

// A registry that is down at plan time, mid-push and at promotion: an environment error naming the registry host
// and the node, the summary, no tag moved, exit 3 (the real docker-registry, killed with SIGKILL).
describe('a registry that is down', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;
  beforeAll(async () => (fx = await engineFixture()));
  afterAll(async () => fx?.cleanup());
  beforeEach(() => (ws = testStack(fx.prefix)));
  afterEach(() => ws.remove());

  it('at plan time: `plan --registry` names the registry host and the node, no stack, exit 3', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const run = await runCliInProcess(['--root', ws.root, 'plan', 'other', '--registry', host]);
    expect(run.code).toBe(EXIT_CODES.environment);
    expect(run.stderr).toMatch(new RegExp(`error: other: cannot reach registry ${host.replace(/\./g, '\\.')} .*ECONNREFUSED`));
    expect(run.stderr).toContain('check that the registry runs');
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('during `build --push`: the nodes fail naming host and image, the summary is printed, no tag moves, exit 3', async () => {
    const registry = await startRegistry();
    try {
      await registry.crash();
      const run = await runCliInProcess(['--root', ws.root, 'build', 'app', 'other', '--push', '--registry', registry.host, '--tag', 'main', '--network', 'none', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain']);
      expect(run.code).toBe(EXIT_CODES.environment);
      expect(run.stderr).toMatch(new RegExp(`${registry.host}/${fx.prefix}other:[0-9a-f]+: cannot reach registry ${registry.host}`));
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.stdout).toMatch(/^other\s+linux\/amd64\s+failed/m);
      expect(run.stdout).toMatch(/^app\s+linux\/amd64\s+skipped/m);
      expect(run.stdout).toContain('no tag moved');
    } finally {
      await registry.stop();
    }
  });

  describe('at promotion', () => {
    let registry: TestRegistry;
    beforeAll(async () => (registry = await startRegistry()));
    afterAll(async () => registry?.stop());

    it('every node pushed, then the registry dies before the tags move: an environment error naming host and node, no tag moved', async () => {
      let graphDone = false;
      let crashed = false;
      // The registry dies at the first request after the graph finished: the first request of the promotion.
      const dyingFetch: typeof fetch = async (input, init) => {
        if (graphDone && !crashed) {
          crashed = true;
          await registry.crash();
        }
        return fetch(input, init);
      };
      const target = { ...(await registryTarget(registry.host, { forDomain: async () => undefined })), client: new RegistryClient(registry.host, undefined, dyingFetch) };
      const sink = fx.progress();
      const progress: ProgressSink = Object.assign(Object.create(sink) as ProgressSink, { close: () => ((graphDone = true), sink.close()) });
      const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['app', 'other'], platforms: ['linux/amd64'] });
      const result = await buildPlan(fx.engine, plan, { parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress, registry: target, tags: ['release'] });
      expect(crashed).toBe(true);
      expect(result.results.map((r) => r.outcome)).toEqual(['built', 'built', 'built']);
      expect(result.ok).toBe(false);
      expect(result.tagged).toEqual([]);
      expect(result.error).toBeInstanceOf(RegistryError);
      expect(result.error).toMatchObject({ kind: 'environment' });
      expect((result.error as Error).message).toMatch(new RegExp(`^lib: reading [0-9a-f]+ to move the tags: .*cannot reach registry ${registry.host}`));

      // After a restart the hash tags are there and `release` is not: nothing half-moved.
      registry = await startRegistry({ restart: registry });
      const check = await registryTarget(registry.host, { forDomain: async () => undefined });
      for (const b of plan.builds) {
        expect(await check.client.manifestDigest(registryRepository(check, b), hashTag(b))).toMatch(/^sha256:/);
        expect(await check.client.manifestDigest(registryRepository(check, b), 'release')).toBeUndefined();
      }
    });
  });
});
