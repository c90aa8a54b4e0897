import { buildPlan } from '../../src/orchestration/build-plan';
import { platformEngines } from '../../src/engine/platform-engines';
import { imageExists } from '../../src/engine/engine-queries';
import { makePlan } from '../../src/plan/make-plan';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { copyImage, startSecondEngine } from '../support/second-engine';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('each platform on its own engine (FRAGMENTS_ENGINE_ARM64)', () => {
  let fx: EngineFixture;
  let second: Awaited<ReturnType<typeof startSecondEngine>>;
  let ws: TempWorkspace;

  beforeAll(async () => {
    fx = await engineFixture();
    second = await startSecondEngine('routing');
    await copyImage('/var/run/docker.sock', second.socket, 'fragments-local/busybox:1.35.0-arm64');
    ws = tempWorkspace({
      'pins.yaml': 'platforms: [linux/amd64, linux/arm64]\nimages:\n  busybox: { linux/amd64: "fragments-local/busybox:1.35.0-amd64", linux/arm64: "fragments-local/busybox:1.35.0-arm64" }\n',
      'fragments/one/fragment.yaml': `image: ${fx.prefix}one\nbases: { BASE: busybox }\n`,
      'fragments/one/Dockerfile': `ARG BASE\nFROM \${BASE}\nRUN uname -m > /arch && echo ${fx.runId}\n`,
    });
  });
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
    if (second) {
      // This run's images on the second engine go too (same run label), then the engine itself.
      const other = await platformEngines(['linux/arm64'], { ...process.env, FRAGMENTS_ENGINE_ARM64: second.dockerHost });
      const docker = other.get('linux/arm64')!.engine.docker;
      for (const img of await docker.listImages({ filters: { label: [`org.dynamo.fragments.test-run=${fx.runId}`] } })) {
        await docker.getImage(img.Id).remove({ force: true });
      }
      await second.stop();
    }
  });

  it('sends arm64 builds to the arm64 engine and amd64 builds to the default one', async () => {
    const engines = await platformEngines(['linux/amd64', 'linux/arm64'], { ...process.env, FRAGMENTS_ENGINE_ARM64: second.dockerHost });
    expect(engines.get('linux/arm64')!.source).toBe('FRAGMENTS_ENGINE_ARM64');
    expect(engines.get('linux/amd64')!.source).toBe('default engine');
    expect(engines.get('linux/amd64')!.native).toBe(true);
    // Both engines run on this amd64 machine, so arm64 is emulated there; a real arm64 host would say native.
    expect(engines.get('linux/arm64')!.native).toBe(false);

    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['one'], platforms: ['linux/amd64', 'linux/arm64'] });
    const result = await buildPlan((p) => engines.get(p)!.engine, plan, { parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress() });
    expect(result.results.map((r) => r.outcome)).toEqual(['built', 'built']);
    const [amd, arm] = plan.builds;
    const secondEngine = engines.get('linux/arm64')!.engine;
    expect(await imageExists(fx.engine, amd.tag)).toBe(true);
    expect(await imageExists(secondEngine, amd.tag)).toBe(false);
    expect(await imageExists(secondEngine, arm.tag)).toBe(true);
    expect(await imageExists(fx.engine, arm.tag)).toBe(false);
    expect((await secondEngine.docker.getImage(arm.tag).inspect()).Architecture).toBe('arm64');
  });

  it('names the variable when the platform engine does not answer', async () => {
    await expect(platformEngines(['linux/arm64'], { ...process.env, FRAGMENTS_ENGINE_ARM64: 'unix:///nonexistent.sock' })).rejects.toThrow(
      /the linux\/arm64 engine \(FRAGMENTS_ENGINE_ARM64=unix:\/\/\/nonexistent.sock\) does not answer/,
    );
  });
});
