import { randomBytes } from 'node:crypto';
import { connectEngine, type EngineConnection } from '../../src/engine/connect-engine';
import { PlainProgressSink } from '../../src/progress/plain-sink';
import { Writable } from 'node:stream';

/** Label every test image carries, so afterAll removes exactly what this run made. */
export const RUN_LABEL = 'org.dynamo.fragments.test-run';

/** The busybox base image tools/make-base-images.sh makes (`.ci/run` makes it before the tests). */
export const TEST_BASE_IMAGE = process.env.FRAGMENTS_TEST_BASE ?? 'fragments-local/busybox:1.35.0-amd64';

export interface EngineFixture {
  engine: EngineConnection;
  runId: string;
  labels: Record<string, string>;
  /** Image repository prefix unique to this run, e.g. `ft-1a2b3c/`. */
  prefix: string;
  /** Captured progress output of the builds (plain lines). */
  output: string[];
  progress(): PlainProgressSink;
  cleanup(): Promise<void>;
}

export async function engineFixture(): Promise<EngineFixture> {
  const engine = await connectEngine();
  try {
    await engine.docker.getImage(TEST_BASE_IMAGE).inspect();
  } catch {
    throw new Error(`engine tests need the base image ${TEST_BASE_IMAGE}: run \`bash tools/make-base-images.sh --only busybox\` first`);
  }
  const runId = randomBytes(4).toString('hex');
  const output: string[] = [];
  return {
    engine,
    runId,
    labels: { [RUN_LABEL]: runId },
    prefix: `ft-${runId}/`,
    output,
    progress: () =>
      new PlainProgressSink(
        new Writable({
          write(chunk, _enc, cb) {
            output.push(...String(chunk).split('\n').filter(Boolean));
            cb();
          },
        }),
      ),
    cleanup: async () => {
      // By label, and by name for images a CLI run built without the label (nx tasks, registry copies).
      const labelled = await engine.docker.listImages({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
      const named = (await engine.docker.listImages()).filter((img) => (img.RepoTags ?? []).some((t) => t.includes(`ft-${runId}/`)));
      for (const img of [...labelled, ...named]) {
        await engine.docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
      }
    },
  };
}
