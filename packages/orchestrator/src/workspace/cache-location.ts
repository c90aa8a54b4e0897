import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isInside } from '../context/link-target';
import { UserError } from '../errors/user-error';

/** Overrides where the digest cache lives (a folder; created when missing). */
export const CACHE_DIR_VARIABLE = 'FRAGMENTS_CACHE_DIR';

/**
 * The folder of the digest cache: $FRAGMENTS_CACHE_DIR, else `node_modules/.cache/fragments` of the nearest
 * node_modules at or above the workspace root (where npm tools keep caches, removed with the install), else
 * `$XDG_CACHE_HOME/fragments` (default `~/.cache/fragments`).
 *
 * It must lie outside every build context: a cache file inside one would change that context's hash on every write.
 * A default that falls inside a context is skipped for the next one; an explicit folder inside one is an error.
 */
export function digestCacheDir(workspaceRoot: string, contextDirs: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const inContext = (dir: string) => contextDirs.find((ctx) => isInside(resolve(ctx), dir));
  const explicit = env[CACHE_DIR_VARIABLE];
  if (explicit) {
    const dir = resolve(explicit);
    const ctx = inContext(dir);
    if (ctx) throw new UserError(`${CACHE_DIR_VARIABLE}=${explicit} lies inside the build context ${ctx}`, { field: CACHE_DIR_VARIABLE }, 'point it at a folder outside every fragment context');
    return dir;
  }
  const candidates = [nodeModulesCache(resolve(workspaceRoot)), join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fragments')];
  return candidates.find((dir): dir is string => dir !== undefined && !inContext(dir)) ?? join(homedir(), '.cache', 'fragments');
}

function nodeModulesCache(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'fragments');
    if (dirname(dir) === dir) return undefined;
  }
}
