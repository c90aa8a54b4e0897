import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');
export const CLI = join(REPO_ROOT, 'packages/orchestrator/bin/fragments.js');

export interface CliProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (compiled by tsc -b) as a child process with `env` added, collecting its output and exit code.
 * `onOutput` sees stdout+stderr so far after each chunk (e.g. to act when a build step has started).
 */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}, onOutput?: (text: string) => void): Promise<CliProcessRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onOutput?.(stdout + stderr);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      onOutput?.(stdout + stderr);
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
