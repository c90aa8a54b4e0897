import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describeError, EXIT_CODES, exitCodeFor } from '../errors/fragments-error';
import { registerBuildCommand } from './commands/build-command';
import { registerGraphCommand } from './commands/graph-command';
import { registerLintCommand } from './commands/lint-command';
import { registerListCommand } from './commands/list-command';
import { registerPinsCommand } from './commands/pins-command';
import { registerPlanCommand } from './commands/plan-command';
import { registerRenderCommand } from './commands/render-command';

/**
 * Builds the `fragments` command line. Each sub-command lives in its own file under commands/, which only declares
 * it: what an action needs (YAML and schemas, the engine client, the packer) is required when that action runs, so
 * `--version` or `list` load nothing of `build` (test/unit/cli/start-up.test.ts holds it to that).
 */
export function createProgram(): Command {
  const program = new Command('fragments')
    .description('Build composable Dockerfile fragments in dependency order, tagged by content hash')
    .option('--root <dir>', 'workspace root holding pins.yaml and fragments/ (default: nearest parent with pins.yaml)')
    .option('--profile <name>', 'apply profiles/<name>.yaml over pins.yaml')
    .version(packageVersion(), '-V, --version', 'print the version of the fragments CLI')
    .showHelpAfterError()
    .exitOverride();
  registerListCommand(program);
  registerGraphCommand(program);
  registerPlanCommand(program);
  registerBuildCommand(program);
  registerLintCommand(program);
  registerRenderCommand(program);
  registerPinsCommand(program);
  return program;
}

/**
 * Runs the CLI; returns the exit code (see EXIT_CODES and README.md). Output follows the error's kind: user and
 * environment errors print what, where and what to do, without a stack (exit 1 and 3); anything else is a bug and
 * prints its stack (exit 70).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT_CODES.ok : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    process.stderr.write(`${describeError(e)}\n`);
    return exitCodeFor(e);
  }
}

function packageVersion(): string {
  // Read, not imported: package.json lies outside the compiled sources (dist/cli/main.js -> ../../package.json).
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
