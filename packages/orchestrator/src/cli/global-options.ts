import type { Command } from 'commander';
import { loadGraph } from '../graph/load-graph';
import { findWorkspaceRoot } from '../workspace/paths';

export interface GlobalOptions {
  root?: string;
  profile?: string;
}

/** The graph for the options given on the command line (`--root`, `--profile`), read relative to the cwd. */
export function graphFromOptions(command: Command) {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const root = findWorkspaceRoot(process.cwd(), opts.root);
  return loadGraph({ root, profile: opts.profile });
}

/** `--platform a,b --platform c` -> [a, b, c]. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** FRAGMENTS_PLATFORM (comma-separated), the default of --platform: lets a CI matrix pick the platform per runner. */
export function envPlatforms(): string[] | undefined {
  const value = process.env.FRAGMENTS_PLATFORM;
  return value ? collectList(value) : undefined;
}
