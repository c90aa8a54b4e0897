// Build secrets and the build report against the real engine, through the real CLI. The secret's sentinel value must
// reach the RUN step (it writes the value's sha256 into the image) and nothing else: CLI output, the report, image
// config, history, or any layer of `docker save`.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineFixture, RUN_LABEL, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const repo = resolve(__dirname, '../../../..');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');

function fragments(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, FRAGMENTS_NETWORK: 'none', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every file under `dir`, recursively (the layer tars of a `docker save`, extracted). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

describe('build secrets and the build report on the real engine', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;
  beforeAll(async () => (fx = await engineFixture()));
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
  });

  it('serves a secret to RUN --mount=type=secret and leaves no trace of it; another value keeps the tag', async () => {
    ws = tempWorkspace({
      'pins.yaml': `platforms: [linux/amd64]\nimages:\n  busybox: ${TEST_BASE_IMAGE}\n`,
      'fragments/sec/fragment.yaml': `image: ${fx.prefix}sec\nbases: { BASE_IMAGE: busybox }\nsecrets:\n  foo: { required: true }\n`,
      // No `# syntax=` line: the engine's built-in Dockerfile frontend handles RUN --mount.
      // The run id keeps BuildKit from reusing an earlier run's step: a secret's value is no part of its cache key.
      'fragments/sec/Dockerfile': `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN --mount=type=secret,id=foo,required=true echo ${fx.runId} && sha256sum /run/secrets/foo | cut -c1-64 > /foo.sha256\n`,
    });
    const sentinel = `S3cr3t-${fx.runId}-${Date.now()}-q?>~`;
    const reportDir = mkdtempSync(join(tmpdir(), 'secret-report-'));
    const saveDir = mkdtempSync(join(tmpdir(), 'secret-save-'));
    try {
      const args = ['--root', ws.root, 'build', 'sec', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain', '--secret', 'id=foo,env=FOO_SECRET', '--report', reportDir];
      const first = await fragments(args, { FOO_SECRET: sentinel });
      expect(first.stderr).not.toContain('internal error');
      expect(first.code).toBe(0);
      const tag = /^sec\s+linux\/amd64\s+built\s+\S+\s+(\S+)/m.exec(first.stdout)![1];
      // The step saw exactly the value.
      const seen = execFileSync('docker', ['run', '--rm', '--network', 'none', tag, 'cat', '/foo.sha256']).toString().trim();
      expect(seen).toBe(createHash('sha256').update(sentinel).digest('hex'));

      const inspect = execFileSync('docker', ['image', 'inspect', tag]).toString();
      const history = execFileSync('docker', ['history', '--no-trunc', tag]).toString();
      const report = readdirSync(reportDir).map((f) => readFileSync(join(reportDir, f), 'utf8')).join('\n');
      execFileSync('sh', ['-c', `docker save "$1" | tar -x -C "$2" && for t in $(find "$2" -name '*.tar' -o -name 'layer.tar'); do mkdir -p "$t.x" && tar -x -C "$t.x" -f "$t"; done`, 'sh', tag, saveDir]);
      const saved = filesUnder(saveDir).map((f) => readFileSync(f));
      expect(saved.length).toBeGreaterThan(3);
      expect(history).toContain('sha256sum /run/secrets/foo'); // the step is in the history, its secret is not
      for (const text of [first.stdout, first.stderr, inspect, history, report]) expect(text).not.toContain(sentinel);
      for (const bytes of saved) expect(bytes.includes(Buffer.from(sentinel))).toBe(false);

      // A different value: same tag, nothing rebuilt.
      const second = await fragments(args, { FOO_SECRET: `${sentinel}-other` });
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(new RegExp(`^sec\\s+linux/amd64\\s+up to date\\s+\\S+\\s+${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
      rmSync(saveDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('reports a rebuild after an edit: why, steps cached vs run, image facts; the timeline follows the run', async () => {
    ws = tempWorkspace({
      'pins.yaml': `platforms: [linux/amd64]\nimages:\n  busybox: ${TEST_BASE_IMAGE}\n`,
      'fragments/lower/fragment.yaml': `image: ${fx.prefix}lower\nbases: { BASE_IMAGE: busybox }\n`,
      'fragments/lower/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo lower > /lower.txt\n',
      'fragments/upper/fragment.yaml': `image: ${fx.prefix}upper\nuses: { LOWER: lower }\n`,
      'fragments/upper/Dockerfile': 'ARG LOWER\nFROM ${LOWER}\nRUN echo step-one > /one.txt\nCOPY note.txt /note.txt\nRUN cat /note.txt\n',
      'fragments/upper/note.txt': 'first\n',
    });
    const reportDir = mkdtempSync(join(tmpdir(), 'build-report-'));
    try {
      const args = ['--root', ws.root, 'build', 'upper', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain', '--report', reportDir];
      const first = await fragments(args);
      expect(first.code).toBe(0);
      const one = JSON.parse(readFileSync(join(reportDir, 'build-report.json'), 'utf8'));
      expect(one.nodes.map((n: { key: string; outcome: string }) => `${n.key}:${n.outcome}`)).toEqual(['lower:built', 'upper:built']);
      expect(one.nodes[0].reason).toBe('new: no earlier image of this node');
      expect(Date.parse(one.nodes[1].start)).toBeGreaterThanOrEqual(Date.parse(one.nodes[0].end)); // upper waited for lower
      expect(one.criticalPath).toEqual(['lower', 'upper']);

      ws.write('fragments/upper/note.txt', 'second\n');
      const summary = join(reportDir, 'step-summary.md');
      const second = await fragments(args, { GITHUB_STEP_SUMMARY: summary });
      expect(second.code).toBe(0);
      const two = JSON.parse(readFileSync(join(reportDir, 'build-report.json'), 'utf8'));
      const [lower, upper] = two.nodes;
      expect(lower).toMatchObject({ outcome: 'up to date', reason: 'up to date' });
      expect(upper.outcome).toBe('built');
      expect(upper.reason).toMatch(/^changed since \S+: files: note\.txt$/);
      // The first RUN comes from BuildKit's cache; COPY and the last RUN ran.
      expect(upper.steps.cached).toBeGreaterThanOrEqual(1);
      expect(upper.steps.run).toBeGreaterThanOrEqual(2);
      const inspect = JSON.parse(execFileSync('docker', ['image', 'inspect', upper.tag]).toString())[0];
      expect(upper.image).toEqual({ sizeBytes: inspect.Size, layers: inspect.RootFS.Layers.length });

      const md = readFileSync(join(reportDir, 'build-report.md'), 'utf8');
      expect(readFileSync(summary, 'utf8')).toBe(md + '\n');
      expect(md).toContain('```mermaid\ngantt');
      // The timeline's bars come in the order the nodes started in the run.
      const bars = md.split('\n').filter((l) => /^ {2}\S+ \((built|up to date|failed)/.test(l)).map((l) => l.trim().split(' ')[0]);
      const byStart = [...two.nodes].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).map((n: { key: string }) => n.key);
      expect(bars).toEqual(byStart);
      expect(md).toMatch(/\| `upper` \| built \| [0-9.]+ s \| \d+ \/ \d+ \|/);
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  }, 180_000);
});
