import { readFileSync } from 'node:fs';
import { connectEngine, type EngineConnection } from '../../src/engine/connect-engine';
import { EXIT_CODES } from '../../src/errors/fragments-error';
import { runCliProcess } from '../support/cli-process';
import { engineFixture, RUN_LABEL, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { copyImage, startSecondEngine, type SecondEngine } from '../support/second-engine';
import { testStack } from '../support/test-stack';

// An engine that dies mid-build (kill -9 of its dockerd while a RUN step sleeps): a private engine, never the shared one.
const NAME = 'faults';
const PID_FILE = `/run/fragments-engine-${NAME}.pid`;
const MAIN_SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');

describe('an engine that dies in the middle of a build', () => {
  let fx: EngineFixture;
  let second: SecondEngine;

  beforeAll(async () => {
    fx = await engineFixture();
    second = await startSecondEngine(NAME);
    await copyImage(MAIN_SOCKET, second.socket, TEST_BASE_IMAGE);
  }, 180_000);
  afterAll(async () => {
    await removeRunImages(second?.dockerHost, fx?.runId).catch(() => undefined);
    await second?.stop();
    await fx?.cleanup();
  }, 120_000);

  it('fails the in-flight node naming the engine, skips dependents, prints the summary, moves no tag, exits 3; a rerun after a restart completes', async () => {
    const marker = `${fx.runId}-dying`;
    const ws = testStack(fx.prefix, { 'fragments/lib/Dockerfile': `ARG BASE\nFROM \${BASE}\nARG GREETING\nCOPY lib.txt /opt/lib/lib.txt\nRUN echo ${marker} && sleep 30 && echo "$GREETING from lib" > /opt/lib/greeting\n` });
    const args = ['--root', ws.root, 'build', 'app', 'other', '--parallel', '2', '--tag', 'faults', '--network', 'none', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain'];
    const env = { DOCKER_HOST: second.dockerHost };
    try {
      let killed = false;
      const broken = await runCliProcess(args, env, (text) => {
        if (!killed && text.includes(marker)) {
          killed = true;
          process.kill(Number(readFileSync(PID_FILE, 'utf8').trim()), 'SIGKILL');
        }
      });
      expect(killed).toBe(true);
      expect(broken.code).toBe(EXIT_CODES.environment);
      expect(broken.stderr).toContain(`engine ${second.dockerHost}`);
      expect(broken.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(broken.stdout).toMatch(/^lib\s+linux\/amd64\s+failed/m);
      expect(broken.stdout).toMatch(/^app\s+linux\/amd64\s+skipped\s+\S+\s+because lib failed/m);
      expect(broken.stdout).toContain('no tag moved');

      // The engine comes back (its data-root kept): no tag moved, and the rerun builds what did not finish.
      await second.stop();
      second = await startSecondEngine(NAME);
      const engine = await connectEngine(second.dockerHost);
      for (const name of ['lib', 'app', 'other']) expect(await hasImage(engine, `${fx.prefix}${name}:faults`)).toBe(false);
      const again = await runCliProcess(args, env);
      expect(again.stderr).not.toMatch(/internal error/);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^lib\s+linux\/amd64\s+built/m);
      expect(again.stdout).toMatch(/^app\s+linux\/amd64\s+built/m);
      for (const name of ['lib', 'app', 'other']) expect(await hasImage(engine, `${fx.prefix}${name}:faults`)).toBe(true);
    } finally {
      ws.remove();
    }
  }, 240_000);
});

async function hasImage(engine: EngineConnection, ref: string): Promise<boolean> {
  try {
    await engine.docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The private engine keeps its data-root between runs: remove this run's images from it. */
async function removeRunImages(dockerHost: string | undefined, runId: string | undefined) {
  if (!dockerHost || !runId) return;
  const engine = await connectEngine(dockerHost);
  const images = await engine.docker.listImages({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  for (const img of images) await engine.docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
}
