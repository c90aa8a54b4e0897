import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../src/orchestration/build-plan';
import { describeChanges } from '../../src/orchestration/describe-changes';
import { engineStatus } from '../../src/orchestration/engine-status';
import { LABELS } from '../../src/orchestration/image-labels';
import { BuildFailure } from '../../src/orchestration/build-failure';
import { connectEngine } from '../../src/engine/connect-engine';
import { EnvironmentError } from '../../src/errors/fragments-error';
import { makePlan } from '../../src/plan/make-plan';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { testStack } from '../support/test-stack';
import type { TempWorkspace } from '../support/temp-workspace';

describe('builds through the real engine', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;

  beforeAll(async () => {
    fx = await engineFixture();
  });
  afterAll(async () => {
    await fx?.cleanup();
  });
  beforeEach(() => (ws = testStack(fx.prefix)));
  afterEach(() => ws.remove());

  const plan = (targets: string[], profile?: string) => makePlan(loadGraph({ root: ws.root, profile }), { targets, platforms: ['linux/amd64'] });
  const build = async (targets: string[], opts: { tags?: string[]; profile?: string } = {}) =>
    buildPlan(fx.engine, await plan(targets, opts.profile), { parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), tags: opts.tags });
  const outcomes = (r: Awaited<ReturnType<typeof build>>) => Object.fromEntries(r.results.map((x) => [x.build.key, x.outcome]));

  it('builds a multi-node graph in order; a second run builds nothing', async () => {
    const first = await build(['app', 'other']);
    expect(outcomes(first)).toEqual({ lib: 'built', app: 'built', other: 'built' });
    const order = first.results.map((r) => r.build.key);
    expect(order.indexOf('lib')).toBeLessThan(order.indexOf('app'));

    // The image carries its hash and input labels, and the upstream artifacts arrived through COPY --from.
    const appPlan = (await plan(['app'])).builds.find((b) => b.key === 'app')!;
    const info = await fx.engine.docker.getImage(appPlan.tag).inspect();
    expect(info.Config.Labels[LABELS.hash]).toBe(appPlan.hash);
    expect(JSON.parse(info.Config.Labels[LABELS.inputs]).files['app.txt']).toMatch(/^file:644:/);
    const out = execFileSync('docker', ['run', '--rm', '--network', 'none', appPlan.tag, 'cat', '/opt/lib/greeting']).toString();
    expect(out.trim()).toBe('hello from lib');

    const second = await build(['app', 'other']);
    expect(outcomes(second)).toEqual({ lib: 'up to date', app: 'up to date', other: 'up to date' });
  });

  it('a changed upstream file rebuilds exactly that node and its dependents, and the plan says why', async () => {
    await build(['app', 'other']);
    ws.write('fragments/lib/lib.txt', 'lib v2\n');
    const libPlan = (await plan(['lib'])).builds[0];
    const status = await engineStatus(fx.engine, libPlan);
    expect(status.state).toBe('will build');
    if (status.state === 'will build') expect(describeChanges(status.previous!.changes)).toBe('files: lib.txt');
    const appStatus = await engineStatus(fx.engine, (await plan(['app'])).builds[1]);
    if (appStatus.state === 'will build') expect(describeChanges(appStatus.previous!.changes)).toBe('upstream: LIB');

    const again = await build(['app', 'other']);
    expect(outcomes(again)).toEqual({ lib: 'built', app: 'built', other: 'up to date' });
  });

  it('a failing step fails its node with the node id, step and log, skips its dependents, and finishes the independent branch', async () => {
    ws.write('fragments/lib/Dockerfile', 'ARG BASE\nFROM ${BASE}\nARG GREETING\nRUN echo "about to fail" && echo boom >&2 && false\n');
    ws.write('fragments/other/unique.txt', `failing-step test ${Date.now()}`); // so the independent branch really builds
    const result = await build(['app', 'other'], { tags: ['release'] });
    expect(outcomes(result)).toEqual({ lib: 'failed', app: 'skipped', other: 'built' });
    const failure = result.results[0].error as BuildFailure;
    expect(failure).toBeInstanceOf(BuildFailure);
    expect(failure.nodeKey).toBe('lib');
    const text = failure.format();
    expect(text).toContain('RUN echo "about to fail"');
    expect(text).toContain('boom');
    expect(text).toMatch(/ERROR: .*exit code: 1|did not complete successfully/);
    // No human tag moved for a failed graph.
    expect(result.tagged).toEqual([]);
    await expect(fx.engine.docker.getImage(`${fx.prefix}other:release`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('moves human tags only after the whole graph succeeded', async () => {
    const result = await build(['app'], { tags: ['release'] });
    expect(result.ok).toBe(true);
    expect(result.tagged.sort()).toEqual([`${fx.prefix}app:release`, `${fx.prefix}lib:release`]);
    const tagged = await fx.engine.docker.getImage(`${fx.prefix}app:release`).inspect();
    expect(tagged.Config.Labels[LABELS.node]).toBe('app');
  });

  it('catches an in-band error (HTTP 200 + errorDetail) such as a Dockerfile syntax error', async () => {
    ws.write('fragments/other/Dockerfile', 'ARG BASE\nFROM ${BASE}\nRUNN echo typo\n');
    const result = await build(['other']);
    expect(outcomes(result)).toEqual({ other: 'failed' });
    expect((result.results[0].error as BuildFailure).format()).toMatch(/unknown instruction: RUNN/i);
  });

  it('names the pin and the profile when a base image is missing', async () => {
    const result = await build(['other'], { profile: 'missing' });
    expect(outcomes(result)).toEqual({ other: 'failed' });
    const text = (result.results[0].error as BuildFailure).format();
    expect(text).toContain('fragments-local/does-not-exist:0');
    expect(text).toContain('pin images.busybox');
    expect(text).toContain('profiles/missing.yaml');
    expect(text).toContain('profile "missing"');
  });

  it('refuses a symlink that escapes the context before any build', async () => {
    symlinkSync('/etc/passwd', join(ws.root, 'fragments/other/passwd'));
    await expect(plan(['other'])).rejects.toThrow(/symlink that points outside it: passwd -> \/etc\/passwd/);
  });

  it('fails cleanly (and never hangs) when a context file vanishes between plan and build', async () => {
    // The packer's error used to leave the request body unfinished and the engine waiting for it: about half of the
    // runs hung. Several rounds, each with a deadline, make that failure mode visible.
    for (let round = 0; round < 5; round++) {
      ws.write('fragments/other/data.txt', `round ${round}`);
      const withFile = await plan(['other']);
      rmSync(join(ws.root, 'fragments/other/data.txt'));
      const result = await Promise.race([
        buildPlan(fx.engine, withFile, { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress() }),
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000)),
      ]);
      expect(result).not.toBe('hung');
      if (result === 'hung') return;
      expect(result.results[0].outcome).toBe('failed');
      expect(String((result.results[0].error as Error).message)).toMatch(/data\.txt|ENOENT/);
    }
  });

  it('cancels a running `RUN sleep 60` on the engine within a few seconds', async () => {
    ws.write('fragments/other/Dockerfile', `ARG BASE\nFROM \${BASE}\nRUN echo ${fx.runId} && sleep 60\n`);
    const controller = new AbortController();
    const p = await plan(['other']);
    const started = buildPlan(fx.engine, p, { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), signal: controller.signal });
    // Wait until the sleep is really running on the engine.
    await waitFor(() => sleepRunning(), 30_000);
    const t0 = Date.now();
    controller.abort();
    const result = await started;
    expect(result.results[0].outcome).toBe('canceled');
    await waitFor(() => !sleepRunning(), 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('says what it tried when no engine answers (an environment error)', async () => {
    await expect(connectEngine('unix:///nonexistent/docker.sock')).rejects.toThrow(EnvironmentError);
    await expect(connectEngine('unix:///nonexistent/docker.sock')).rejects.toThrow(/unix:\/\/\/nonexistent\/docker.sock \(DOCKER_HOST\): no such socket/);
  });
});

function sleepRunning(): boolean {
  try {
    return execFileSync('pgrep', ['-f', '^sleep 60$']).toString().trim().length > 0;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}
