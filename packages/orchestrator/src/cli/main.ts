import { Command, CommanderError } from 'commander';
import { describeError, EXIT_CODES, exitCodeFor } from '../errors/fragments-error';
import { registerBuildCommand } from './commands/build-command';
import { registerGraphCommand } from './commands/graph-command';
import { registerLintCommand } from './commands/lint-command';
import { registerListCommand } from './commands/list-command';
import { registerPinsCommand } from './commands/pins-command';
import { registerPlanCommand } from './commands/plan-command';
import { registerRenderCommand } from './commands/render-command';

/** Builds the `fragments` command line. Each sub-command lives in its own file under commands/. */
export function createProgram(): Command {
  const program = new Command('fragments')
    .description('Build composable Dockerfile fragments in dependency order, tagged by content hash')
    .option('--root <dir>', 'workspace root holding pins.yaml and fragments/ (default: nearest parent with pins.yaml)')
    .option('--profile <name>', 'apply profiles/<name>.yaml over pins.yaml')
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
