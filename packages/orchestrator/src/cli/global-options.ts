import type { Command } from 'commander';
import type { FragmentGraph } from '../graph/fragment-graph';

export interface GlobalOptions {
  root?: string;
  profile?: string;
}

/**
 * The graph for the options given on the command line (`--root`, `--profile`), read relative to the cwd. The loaders
 * (YAML, zod schemas, the Dockerfile parser) are required here, on first use, not when the CLI starts.
 */
export async function graphFromOptions(command: Command): Promise<FragmentGraph> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const [{ findWorkspaceRoot }, { loadGraph }] = await Promise.all([import('../workspace/paths'), import('../graph/load-graph')]);
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
