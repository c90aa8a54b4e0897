import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FRAGMENTS_DIR, FRAGMENT_FILE, LOCK_FILE, PINS_FILE, PROFILES_DIR, writeFileAtomic } from '@dynamo-build/orchestrator';
import { cacheDir } from '@nx/devkit';

/**
 * Where the last inference of a workspace is kept: a JSON file of our own under nx's cache directory (public devkit
 * API; `nx reset` clears it). One file per workspace folder, since several checkouts may share that directory.
 */
export function inferenceCacheFile(workspaceRoot: string): string {
  const id = createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 16);
  return join(cacheDir, 'nx-fragments', `inference-${id}.json`);
}

/**
 * The key of an inference: everything it reads. Inference reads every fragment (uses: resolves across fragments),
 * so that is each fragment.yaml and Dockerfile, pins, lock and profiles; plus the options and the code that infers
 * (this plugin and the orchestrator, see inferenceCodeVersion).
 */
export function inferenceKey(workspaceRoot: string, options: unknown, codeVersion: string): string {
  const hash = createHash('sha256').update(`${codeVersion}\0${JSON.stringify(options ?? {})}`);
  const add = (file: string) => {
    hash.update(`\0${file}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
  };
  [PINS_FILE, LOCK_FILE].forEach((f) => add(join(workspaceRoot, f)));
  for (const dirName of [PROFILES_DIR, FRAGMENTS_DIR]) {
    const dir = join(workspaceRoot, dirName);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (dirName === PROFILES_DIR) add(join(dir, entry));
      else [FRAGMENT_FILE, 'Dockerfile'].forEach((f) => add(join(dir, entry, f)));
    }
  }
  return hash.digest('hex');
}

interface CacheFile<T> {
  key: string;
  value: T;
}

/** The cached value when the file holds one for `key`; undefined when absent, stale or unreadable. */
export function readInferenceCache<T>(file: string, key: string): T | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CacheFile<T>;
    return cached.key === key ? cached.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the file atomically (temp file, then rename: a concurrent nx process reads the old or the new one, never
 * half). A cache that cannot be written only costs the next run an inference, so failures are ignored.
 */
export function writeInferenceCache<T>(file: string, key: string, value: T): void {
  try {
    writeFileAtomic(file, JSON.stringify({ key, value } satisfies CacheFile<T>), { createFolder: true });
  } catch {
    // not written: the next run infers again
  }
}
