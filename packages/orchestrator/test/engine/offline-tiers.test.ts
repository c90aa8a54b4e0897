import { execFileSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../src/orchestration/build-plan';
import { makePlan } from '../../src/plan/make-plan';
import { loadGraph } from '../../src/graph/load-graph';
import { offlineStackCopy } from '../support/offline-stack';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';



/**
 * Issue 9, point 8: the offline stack has the real fragments' tiers. Built for real, then the Dynamo source is
 * edited: every framework node (and NIXL) stays up to date, Dynamo, every runtime, every dev image, the frontend and
 * the planner rebuild, and the rebuilt runtime still runs the untouched backend with the new Dynamo.
 */
describe('the offline stack in tiers, through the real engine', () => {
  let fx: EngineFixture;
  let root: string;
  beforeAll(async () => {
    fx = await engineFixture();
    root = offlineStackCopy(fx.prefix, 'offline-tiers-');
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await fx?.cleanup();
  });

  const build = async () => {
    const plan = await makePlan(loadGraph({ root, profile: 'local' }), { targets: ['dev', 'frontend', 'planner'], platforms: ['linux/amd64'] });
    const result = await buildPlan(fx.engine, plan, { parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress() });
    return { plan, outcomes: Object.fromEntries(result.results.map((r) => [r.build.key, r.outcome])) };
  };

  it('editing the Dynamo source leaves every backend node up to date; runtime, dev, frontend and planner rebuild', async () => {
    const first = await build();
    expect(Object.values(first.outcomes).filter((o) => o !== 'built' && o !== 'up to date')).toEqual([]);

    appendFileSync(join(root, 'fragments/dynamo/src/dynamo_run.c'), `/* edited by the offline-tiers test ${fx.runId} */\n`);
    const second = await build();
    expect(second.outcomes).toEqual({
      nixl: 'up to date',
      'backend-vllm': 'up to date',
      'backend-sglang': 'up to date',
      'backend-trtllm': 'up to date',
      dynamo: 'built',
      'runtime.vllm': 'built',
      'runtime.sglang': 'built',
      'runtime.trtllm': 'built',
      'dev.vllm': 'built',
      'dev.sglang': 'built',
      'dev.trtllm': 'built',
      frontend: 'built',
      planner: 'built',
    });
    // The backend image is the same one; the new runtime serves it with NIXL moving the KV cache.
    const backendTag = (id: string) => second.plan.builds.find((b) => b.key === id)!.tag;
    expect(backendTag('backend-vllm')).toBe(first.plan.builds.find((b) => b.key === 'backend-vllm')!.tag);
    const out = execFileSync('docker', ['run', '--rm', '--network', 'none', backendTag('runtime.vllm')]).toString();
    expect(out).toMatch(/^selftest: ok \(vllm prefill/m);
    expect(out).toMatch(/^runtime: dynamo \S+ \(nixl \S+\)$/m);
  }, 600_000);
});
