import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createProgram } from '../../../src/cli/main';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';
import { propertyOptions } from '../../support/property-options';
import { expectNoInternalCliError, runCliInProcess } from '../../support/run-cli';

/**
 * Arbitrary argument lists for the `fragments` CLI, run in this process against a small valid workspace: every one
 * ends in success, a usage error (exit 2) or a user error, never in an internal error.
 *
 * Nothing may reach the engine, a registry or the network: `build` and `pins lock` are left out, `plan` always gets
 * `--no-engine` and never `--registry`. Files a command writes (`render -o`, `--single-context`) land in a temp
 * working directory.
 */

/** Every option flag the CLI defines, read from the program itself so new flags are covered automatically. */
function allFlags(command: Command): string[] {
  return [...command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)), ...command.commands.flatMap(allFlags)];
}

const COMMANDS = ['list', 'graph', 'plan', 'lint', 'render', 'pins', 'help', 'frobnicate'];
const FORBIDDEN = new Set(['build', 'lock', '--registry', '--push']);
const VALUES = [
  'base', 'mid', 'top', 'top.a', 'top.b', 'top.c', 'missing', 'linux/amd64', 'linux/arm64', 'linux/amd64,linux/arm64',
  'windows/amd64', ',', '', ' ', '0', '-1', '1e9', 'x', 'out.Dockerfile', 'single', 'local', 'images', 'downloads',
  'no/such/dir/out', '.', 'single/Dockerfile',
  '--', '-', '-h', '--help', '-V', '--version', '--json', '--no-engine', '--platform=linux/amd64', '--unknown', '--root',
];
const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ unit: fc.constantFrom('a', 'b', '-', '=', ',', ' ', '1', '\u00e9', '%', '$'), maxLength: 8 }));

describe('CLI arguments: no argument list is an internal error', () => {
  let ws: TempWorkspace;
  let cwd: string;
  const previousCwd = process.cwd();
  beforeAll(() => {
    ws = tempWorkspace({ ...validWorkspaceFiles(), 'profiles/local.yaml': 'versions:\n  tool: "2.0"\n' });
    cwd = mkdtempSync(join(tmpdir(), 'fragments-cli-cwd-'));
    process.chdir(cwd);
  });
  afterAll(() => {
    process.chdir(previousCwd);
    rmSync(cwd, { recursive: true, force: true });
    ws.remove();
  });

  it('ends in success, a usage error or a user error', async () => {
    const program = createProgram();
    const flags = [...new Set(allFlags(program))].filter((f) => !FORBIDDEN.has(f));
    const token = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...COMMANDS) }, { weight: 3, arbitrary: fc.constantFrom(...flags) }, { weight: 4, arbitrary: value });
    // Mostly shaped like real use (global options, a command, its arguments), now and then any tokens at all.
    const global = fc.array(fc.oneof(fc.constant(['--profile', 'local']), fc.tuple(fc.constant('--profile'), value), fc.constant(['--root', '.'])), { maxLength: 2 });
    const shaped = fc.tuple(global, fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 6 })).map(([g, command, rest]) => [...g.flat(), command, ...rest]);
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: fc.array(token, { maxLength: 7 }) }), fc.boolean(), async (tokens, withRoot) => {
        const args = tokens.filter((t) => !FORBIDDEN.has(t)).flatMap((t) => (t === 'plan' ? ['plan', '--no-engine'] : [t]));
        const argv = withRoot ? ['--root', ws.root, ...args] : args;
        expectNoInternalCliError(argv, await runCliInProcess(argv));
      }),
      propertyOptions(200),
    );
  });
});
