// FRAGMENTS_SKIP_ENGINE_TESTS=1 must really leave the engine tests out (not print SKIPPED and run them anyway), and
// say so. Asked of jest itself: `--listTests` lists what a run would execute without executing it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '../../../..');
const jestBin = require.resolve('jest/bin/jest', { paths: [repoRoot] });

function listTests(env: NodeJS.ProcessEnv): { files: string[]; stderr: string } {
  const run = spawnSync(process.execPath, [jestBin, '--listTests'], { cwd: repoRoot, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`jest --listTests failed (${run.status}): ${run.stderr}`);
  return { files: run.stdout.split('\n').filter((line) => line.endsWith('.test.ts')), stderr: run.stderr };
}

const baseEnv: NodeJS.ProcessEnv = { ...process.env, FRAGMENTS_SKIP_ENGINE_TESTS: '' };
delete baseEnv.JEST_WORKER_ID;

describe('FRAGMENTS_SKIP_ENGINE_TESTS', () => {
  it('runs the engine tests when unset', () => {
    const { files } = listTests(baseEnv);
    expect(files.some((file) => file.includes('/test/engine/'))).toBe(true);
    expect(files.some((file) => file.includes('/test/unit/'))).toBe(true);
  });

  it('leaves every engine test out when set to 1, and says so', () => {
    const { files, stderr } = listTests({ ...baseEnv, FRAGMENTS_SKIP_ENGINE_TESTS: '1' });
    expect(files.filter((file) => file.includes('/test/engine/'))).toEqual([]);
    expect(files.some((file) => file.includes('/test/unit/'))).toBe(true);
    expect(stderr).toContain('[engine tests] SKIPPED: FRAGMENTS_SKIP_ENGINE_TESTS=1');
  });
});
