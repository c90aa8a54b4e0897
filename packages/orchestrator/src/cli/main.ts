import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors/user-error';
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

/** Runs the CLI; returns the exit code. User errors print as `file:line: field: message` plus a hint, no stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isUserError(e)) {
      process.stderr.write(`error: ${e.format().replace(/\n/g, '\n')}\n`);
      return 1;
    }
    process.stderr.write(`internal error (please report): ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}
