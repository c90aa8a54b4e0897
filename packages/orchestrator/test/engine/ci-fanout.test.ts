import { rmSync } from 'node:fs';
import { connectEngine, type EngineConnection } from '../../src/engine/connect-engine';
import { loadGraph } from '../../src/graph/load-graph';
import { buildPlan, type BuildPlanResult } from '../../src/orchestration/build-plan';
import { LABELS } from '../../src/orchestration/image-labels';
import { makePlan, type Plan } from '../../src/plan/make-plan';
import { readTaggedImage } from '../../src/registry/registry-image-labels';
import { hashTag, registryRepository, registryTarget, type RegistryTarget } from '../../src/registry/registry-target';
import { offlineStackCopy } from '../support/offline-stack';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { startRegistry, type TestRegistry } from '../support/registry';
import { copyImage, startSecondEngine, type SecondEngine } from '../support/second-engine';

const MAIN_SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
/** What nixl, dynamo, the backends and the runtimes start from under `--profile local`. */
const BASES = ['fragments-local/devel:bookworm-amd64', 'fragments-local/sccache:0.4.0-pre6-amd64', 'fragments-local/runtime:bookworm-amd64'];


/**
 * CI fan-out as a matrix runs it: one job per backend, each on its own engine (its own machine), both pushing to ONE
 * registry at the same time, and their closures overlap (both runtimes need nixl and dynamo). Then one promotion job.
 */
describe('CI fan-out: two engines build overlapping closures into one registry at once', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let second: SecondEngine | undefined;
  let other: EngineConnection;
  let root: string;

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
    second = await startSecondEngine('fanout');
    other = await connectEngine(second.dockerHost);
    for (const base of BASES) await copyImage(MAIN_SOCKET, second.socket, base);
    root = offlineStackCopy(fx.prefix);
  }, 240_000);

  afterAll(async () => {
    if (other) {
      for (const img of await other.docker.listImages({ all: true, filters: { label: [`${RUN_LABEL}=${fx.runId}`] } })) {
        await other.docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
      }
    }
    await second?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    await fx?.cleanup();
    await registry?.stop();
  }, 120_000);

  const planOf = (targets: string[]) => makePlan(loadGraph({ root, profile: 'local' }), { targets, platforms: ['linux/amd64'] });
  /** Each job has its own registry client (and so its own caches), as separate CI machines would. */
  const job = async (engine: EngineConnection, plan: Plan, tags: string[], notes: string[] = []) =>
    buildPlan(engine, plan, {
      parallel: 2,
      networkMode: 'none',
      extraLabels: fx.labels,
      progress: fx.progress(),
      registry: await ownTarget(),
      tags,
      onNote: (text) => notes.push(text),
    });
  const ownTarget = (): Promise<RegistryTarget> => registryTarget(`${registry.host}/ci`, { forDomain: async () => undefined });
  const failures = (r: BuildPlanResult) => r.results.filter((x) => x.outcome === 'failed').map((x) => `${x.build.key}: ${(x.error as Error)?.message}`);

  it('both jobs succeed, every hash tag and the human tag carry the right hash label, and one promotion job moves the rest', async () => {
    const [vllmPlan, sglangPlan] = await Promise.all([planOf(['runtime.vllm']), planOf(['runtime.sglang'])]);
    const notes: string[] = [];
    const [a, b] = await Promise.all([job(fx.engine, vllmPlan, ['main'], notes), job(other, sglangPlan, ['main'], notes)]);
    expect([failures(a), failures(b)]).toEqual([[], []]);
    expect(a.ok && b.ok).toBe(true);
    const outcome = (r: BuildPlanResult, key: string) => r.results.find((x) => x.build.node.id === key)!.outcome;
    // Reported (not asserted: scheduling decides) so a run shows whether the shared nodes really raced.
    console.log(`[ci-fanout] nixl: ${outcome(a, 'nixl')} / ${outcome(b, 'nixl')}, dynamo: ${outcome(a, 'dynamo')} / ${outcome(b, 'dynamo')}; notes: ${notes.join(' | ') || 'none'}`);
    for (const key of ['nixl', 'dynamo']) expect(['built', 'in registry']).toContain(outcome(a, key));

    // No lost or wrong tag: every node of either job, by hash and by `main`, names an image labelled with its hash.
    const target = await ownTarget();
    const builds = [...vllmPlan.builds, ...sglangPlan.builds.filter((x) => !vllmPlan.builds.some((y) => y.key === x.key))];
    expect(builds.map((x) => x.node.id).sort()).toEqual(['backend-sglang', 'backend-vllm', 'dynamo', 'nixl', 'runtime.sglang', 'runtime.vllm']);
    for (const build of builds) {
      const repository = registryRepository(target, build);
      const byHash = await readTaggedImage(target.client, repository, hashTag(build), build.platform);
      const main = await readTaggedImage(target.client, repository, 'main', build.platform);
      expect([build.key, byHash?.labels[LABELS.hash], byHash?.labels[LABELS.node]]).toEqual([build.key, build.hash, build.node.id]);
      expect([build.key, main?.labels[LABELS.hash]]).toEqual([build.key, build.hash]);
    }

    // The recipe's promotion job: after the matrix, one run over every target builds nothing and moves `release`.
    const promotion = await job(fx.engine, await planOf(['runtime.vllm', 'runtime.sglang']), ['release']);
    expect(promotion.results.map((x) => [x.build.key, x.outcome]).sort()).toEqual(builds.map((x) => [x.key, 'in registry']).sort());
    for (const build of builds) {
      const repository = registryRepository(target, build);
      expect(await target.client.manifestDigest(repository, 'release')).toBe(await target.client.manifestDigest(repository, hashTag(build)));
    }
    expect(promotion.tagged).toHaveLength(6);
  }, 300_000);
});
