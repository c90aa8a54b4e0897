import { engineFixture, type EngineFixture } from '../../../orchestrator/test/support/engine-fixture';
import { testStack } from '../../../orchestrator/test/support/test-stack';
import type { TempWorkspace } from '../../../orchestrator/test/support/temp-workspace';
import { makeNxWorkspace, nx } from '../support/nx-workspace';

describe('nx run <fragment>:image builds through the real engine', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;
  beforeAll(async () => {
    fx = await engineFixture();
    ws = testStack(fx.prefix);
    makeNxWorkspace(ws);
  });
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
  });

  const runImage = (project: string) =>
    nx(ws, ['run', `${project}:image`, `--args=--network none --label org.dynamo.fragments.test-run=${fx.runId} --progress plain`, '--outputStyle=stream']);

  it('builds upstream first (^image), and an unchanged re-run builds nothing', async () => {
    const first = await runImage('app');
    const all = first.stdout + first.stderr;
    // lib:image ran as its own task first; app:image then found lib up to date and built only app.
    const libBuilt = all.search(/lib\s+linux\/amd64\s+built/);
    const appBuilt = all.search(/app\s+linux\/amd64\s+built/);
    expect(libBuilt).toBeGreaterThanOrEqual(0);
    expect(appBuilt).toBeGreaterThan(libBuilt);
    expect(all).toMatch(/lib\s+linux\/amd64\s+up to date/);

    const second = await runImage('app');
    const again = second.stdout + second.stderr;
    expect(again).toContain('0 built');
    expect(again).not.toMatch(/\s+built\s/);
  }, 180_000);
});
