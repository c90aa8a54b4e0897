import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { offlineStackCopy } from '../support/offline-stack';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { testStack } from '../support/test-stack';

const repo = resolve(__dirname, '../../../..');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');

/** Runs the real CLI (compiled by `npm test`'s tsc -b) and collects its output and exit code. */
function fragments(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, FRAGMENTS_NETWORK: 'none' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}


describe('the fragments CLI against the real engine', () => {
  let fx: EngineFixture;
  beforeAll(async () => (fx = await engineFixture()));
  afterAll(async () => fx?.cleanup());

  it('builds the offline example stack (gcc, COPY --from, no compiler in the runtime); a second run is all up to date', async () => {
    const root = offlineStackCopy(fx.prefix);
    try {
      const args = ['--root', root, '--profile', 'local', 'build', 'runtime.vllm', 'dev.vllm', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain'];
      const first = await fragments(args);
      expect(first.stderr).not.toContain('internal error');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/0 up to date, 0 skipped, 0 failed/);
      for (const node of ['nixl', 'dynamo', 'backend-vllm', 'runtime.vllm', 'dev.vllm']) expect(first.stdout).toMatch(new RegExp(`^${node.replace('.', '\\.')}\\s+linux/amd64\\s+built`, 'm'));
      const runtimeTag = /^runtime\.vllm\s+linux\/amd64\s+built\s+\S+\s+(\S+)/m.exec(first.stdout)![1];
      const run = (cmd: string) => execFileSync('docker', ['run', '--rm', '--network', 'none', runtimeTag, 'sh', '-c', cmd]).toString();
      expect(run('uname -m').trim()).toBe('x86_64');
      expect(run('command -v gcc cc || echo no-compiler').trim()).toBe('no-compiler');
      expect(run('ls /opt/nvidia/nvda_nixl/lib')).toContain('libnixl.so');

      const second = await fragments(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/0 built, 5 up to date, 0 skipped, 0 failed/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);

  it('builds the offline example stack for linux/arm64 under QEMU: its runtime says aarch64', async () => {
    for (const ref of ['fragments-local/devel:bookworm-arm64', 'fragments-local/runtime:bookworm-arm64']) {
      await fx.engine.docker.getImage(ref).inspect().catch(() => {
        throw new Error(`this test needs ${ref}: run \`FRAGMENTS_BASE_ARCH=all bash tools/setup.sh\` (or tools/make-base-images.sh --arch arm64)`);
      });
    }
    const root = offlineStackCopy(fx.prefix);
    try {
      const result = await fragments(['--root', root, '--profile', 'local', 'build', 'runtime.vllm', '--platform', 'linux/arm64', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain']);
      expect(result.code).toBe(0);
      const tag = /^runtime\.vllm\s+linux\/arm64\s+built\s+\S+\s+(\S+)/m.exec(result.stdout)![1];
      const out = execFileSync('docker', ['run', '--rm', '--network', 'none', '--platform', 'linux/arm64', tag, 'uname', '-m']).toString();
      expect(out.trim()).toBe('aarch64');
      expect((await fx.engine.docker.getImage(tag).inspect()).Architecture).toBe('arm64');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);

  it('reports the sccache statistics of compile steps: a rebuild of the same sources hits the compiler cache', async () => {
    const root = offlineStackCopy(fx.prefix);
    try {
      const args = ['--root', root, '--profile', 'local', 'build', 'nixl', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain'];
      // A file only this run has makes BuildKit run the compile step (its COPY layer is new); the sources are the
      // same, so whatever the cache held before, after this build it holds them.
      writeFileSync(join(root, 'fragments/nixl/src/NOTE.txt'), `first ${fx.runId}\n`);
      const first = await fragments(args);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^sccache for nixl: 2 compile requests, \d hits, \d misses/m);
      // Changed again: the step runs again with the same C sources, and every compile hits.
      writeFileSync(join(root, 'fragments/nixl/src/NOTE.txt'), `second ${fx.runId}\n`);
      const second = await fragments(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/^nixl\s+linux\/amd64\s+built/m);
      expect(second.stdout).toMatch(/^sccache for nixl: 2 compile requests, 2 hits, 0 misses \(100% hit rate\)$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('Ctrl-C cancels the build (RUN sleep 61: a duration no other test uses) on the engine and exits non-zero', async () => {
    const ws = testStack(fx.prefix, { 'fragments/other/Dockerfile': `ARG BASE\nFROM \${BASE}\nRUN echo ${fx.runId}-sigint && sleep 61\n` });
    try {
      let sent = false;
      const t0 = Date.now();
      const result = await fragments(['--root', ws.root, 'build', 'other', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain'], (stderr, child) => {
        if (!sent && stderr.includes(`${fx.runId}-sigint`)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      expect(sent).toBe(true);
      expect(result.code).toBe(130);
      expect(result.stdout).toMatch(/other\s+linux\/amd64\s+canceled/);
      expect(Date.now() - t0).toBeLessThan(30_000);
      // Nothing is left sleeping on the engine.
      let left = '';
      try {
        left = execFileSync('pgrep', ['-f', '^sleep 61$']).toString();
      } catch {
        left = '';
      }
      expect(left).toBe('');
    } finally {
      ws.remove();
    }
  }, 120_000);

  it('exits 1 with a file:line message and no stack trace on bad input', async () => {
    const ws = testStack(fx.prefix, { 'fragments/app/fragment.yaml': 'image: x/app\nuses: { LIB: lbi }\nbases: { BASE: busybox }\n' });
    try {
      const result = await fragments(['--root', ws.root, 'build', 'app']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('fragments/app/fragment.yaml:2: uses.LIB: uses fragment "lbi", which does not exist');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      ws.remove();
    }
  });
});
