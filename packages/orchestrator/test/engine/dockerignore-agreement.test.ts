import { execFileSync } from 'node:child_process';
import { buildPlan } from '../../src/orchestration/build-plan';
import { makePlan } from '../../src/plan/make-plan';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, RUN_LABEL, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/**
 * Our .dockerignore matching against Docker's own, for patterns where `|`, `{` and `}` are Go regexp syntax.
 *
 * BuildKit applies .dockerignore only to local (session) contexts; a tar context, which is what the orchestrator
 * sends, reaches the daemon already filtered. So Docker's own matcher runs in the `docker` CLI: its classic
 * (`DOCKER_BUILDKIT=0`) path reads .dockerignore with moby/patternmatcher and tars only what it keeps. The test
 * builds the same context twice, once that way and once through the orchestrator (BuildKit, our matcher), and
 * compares what each image received under /ctx, and both with the files
 * the content hash covers.
 */

const PATTERNS = [
  '# "|" alternates: "^[^/]*\\.txt|[^/]*\\.md$" (anchored at the start, resp. the end, only)',
  '*.txt|*.md',
  '# counted repeats apply to the item before them',
  'x{2}*',
  'q?{2}',
  '# not a repeat: a literal "{"; and a literal "}"',
  '{a,b}*',
  '*}',
  '# no wildcard: compared as plain text, so this excludes only a file named "ab{2}"',
  'ab{2}',
  'keep|*.log',
];

const FILES = [
  'a.txt', 'c.txt2', 'b.md', 'sub/e.md', 'sub/a.txt', 'sub/deep/f.md', 'a.rs',
  'xx', 'xxy', 'x', 'x{2}y',
  'qab', 'qa', 'qabc',
  '{a,b}.cfg', 'a.cfg',
  'z}', 'z',
  'ab{2}', 'abb',
  'keep', 'keeper', 'app.log', 'logs/app.log', 'logs/readme',
];

describe('.dockerignore: our matcher agrees with docker build on "|", "{" and "}"', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;

  beforeAll(async () => {
    fx = await engineFixture();
    ws = tempWorkspace({
      'pins.yaml': `platforms: [linux/amd64]\nimages:\n  busybox: ${TEST_BASE_IMAGE}\n`,
      'fragments/probe/fragment.yaml': `image: ${fx.prefix}probe\nbases: { BASE: busybox }\n`,
      'fragments/probe/Dockerfile': 'ARG BASE\nFROM ${BASE}\nCOPY . /ctx\n',
      'fragments/probe/.dockerignore': PATTERNS.join('\n') + '\n',
      ...Object.fromEntries(FILES.map((f) => [`fragments/probe/${f}`, `${f}\n`])),
    });
  });
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
  });

  /** Every path below /ctx in `image`, relative, sorted. */
  const received = (image: string): string[] =>
    execFileSync('docker', ['run', '--rm', '--network', 'none', image, 'find', '/ctx', '-mindepth', '1'])
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((p) => p.slice('/ctx/'.length))
      .sort();

  it('sends, hashes and receives exactly what docker build keeps', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['probe'], platforms: ['linux/amd64'] });
    const [probe] = plan.builds;
    const contextDir = probe.node.contextDir;

    // Docker's matcher: the CLI's classic build filters the context with moby/patternmatcher.
    const dockerTag = `${fx.prefix}docker-view:1`;
    execFileSync('docker', ['build', '--quiet', '--network', 'none', '--build-arg', `BASE=${TEST_BASE_IMAGE}`, '--label', `${RUN_LABEL}=${fx.runId}`, '-t', dockerTag, contextDir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // fragment.yaml is the orchestrator's metadata: never hashed nor sent (node-hash.ts), whatever the patterns say.
    const docker = received(dockerTag).filter((p) => p !== 'fragment.yaml');

    // Ours: the orchestrator's build (BuildKit, tar context filtered by our matcher) and the walker behind the hash.
    const result = await buildPlan(fx.engine, plan, { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress() });
    expect(result.results.map((r) => r.outcome)).toEqual(['built']);
    const ours = received(probe.tag);
    const hashed = Object.keys(probe.content.inputs.files).sort();

    // The test can fail: Docker really applied the patterns, with "|" and "{n}" as regexp syntax.
    expect(docker).not.toContain('b.md');
    expect(docker).not.toContain('xxy');
    expect(docker).toContain('x{2}y');
    expect(docker).toContain('sub/a.txt');
    expect(docker).not.toContain('{a,b}.cfg');
    expect(docker).toContain('abb');

    expect(ours).toEqual(docker);
    expect(hashed).toEqual(docker);
  });
});
