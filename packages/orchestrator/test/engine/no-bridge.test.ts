import { hasBridgeNetwork } from '../../src/engine/engine-queries';
import { buildPlan } from '../../src/orchestration/build-plan';
import { BuildFailure } from '../../src/orchestration/build-failure';
import { loadGraph } from '../../src/graph/load-graph';
import { makePlan } from '../../src/plan/make-plan';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { testStack } from '../support/test-stack';
import type { TempWorkspace } from '../support/temp-workspace';

// This machine's engine runs with --bridge=none, as the project's build machines do: BuildKit's default network
// mode fails there with "network bridge not found".
describe('an engine without a bridge network', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;
  beforeAll(async () => {
    fx = await engineFixture();
    if (await hasBridgeNetwork(fx.engine)) throw new Error(`${fx.engine.address} has a bridge network: these tests need one without (dockerd --bridge=none)`);
  });
  afterAll(async () => fx?.cleanup());
  beforeEach(() => (ws = testStack(fx.prefix, { 'fragments/other/Dockerfile': `ARG BASE\nFROM \${BASE}\nRUN echo ${Date.now()} > /other\n` })));
  afterEach(() => ws.remove());

  const build = async (networkMode: string | undefined, notes: string[]) =>
    buildPlan(fx.engine, await makePlan(loadGraph({ root: ws.root }), { targets: ['other'], platforms: ['linux/amd64'] }), {
      parallel: 1, networkMode, extraLabels: fx.labels, progress: fx.progress(), onNote: (text) => notes.push(text),
    });

  it('with no network chosen, RUN steps run with --network none, and a note (not a terminal write) says so', async () => {
    const notes: string[] = [];
    const result = await build(undefined, notes);
    expect(result.results[0].outcome).toBe('built');
    expect(notes).toEqual([`${fx.engine.address} has no bridge network: RUN steps run with --network none (choose with --network or FRAGMENTS_NETWORK)`]);
  });

  it('with --network default chosen explicitly, the build fails with a hint naming --network none and FRAGMENTS_NETWORK', async () => {
    const notes: string[] = [];
    const result = await build('default', notes);
    expect(result.results[0].outcome).toBe('failed');
    const error = result.results[0].error as BuildFailure;
    expect(error).toBeInstanceOf(BuildFailure);
    expect(error.kind).toBe('environment');
    expect(error.format()).toMatch(/network bridge not found/);
    expect(error.hint).toMatch(/--network none.*FRAGMENTS_NETWORK=none/);
    expect(notes).toEqual([]);
  });
});
