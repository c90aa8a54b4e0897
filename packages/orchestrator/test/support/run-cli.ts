import { main } from '../../src/cli/main';
import { INTERNAL_ERROR_EXIT } from './no-internal-error';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `fragments` CLI in this process with output captured, and leaves `process.exitCode` as it was. */
export async function runCliInProcess(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ') + '\n'));
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ') + '\n'));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    return { code: await main(argv), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = saved;
    stdout.mockRestore();
    stderr.mockRestore();
    log.mockRestore();
    error.mockRestore();
  }
}

/** Fails (with the CLI's output, so fast-check shows it) when a run ended in an internal error. */
export function expectNoInternalCliError(argv: string[], run: CliRun): void {
  if (run.code === INTERNAL_ERROR_EXIT || /internal error/.test(run.stderr)) {
    throw new Error(`fragments ${JSON.stringify(argv)} exited ${run.code} with an internal error:\n${run.stderr}`);
  }
}
