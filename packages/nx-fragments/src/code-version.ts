import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * A digest of a package's code: its package.json version and every compiled `.js` file under dist/ (path and
 * content). Cheap: a few hundred small files, read once per process.
 */
export function packageCodeDigest(packageRoot: string): string {
  const hash = createHash('sha256');
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name?: string; version?: string };
  hash.update(`${manifest.name}@${manifest.version}\0`);
  const dist = join(packageRoot, 'dist');
  for (const file of existsSync(dist) ? jsFiles(dist) : []) {
    hash.update(`${relative(dist, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsFiles(path);
      return entry.isFile() && entry.name.endsWith('.js') ? [path] : [];
    });
}

let loaded: string | undefined;

/**
 * The code that infers projects: this plugin and the orchestrator it calls (inference is the orchestrator's graph
 * loader). Computed once per process on purpose: the process runs the code it loaded at start, so a rebuild of dist/
 * while an nx daemon runs must not key the old code's results with the new code's digest.
 */
export function inferenceCodeVersion(): string {
  loaded ??= createHash('sha256')
    .update(packageCodeDigest(join(__dirname, '..')))
    .update(packageCodeDigest(dirname(require.resolve('@dynamo-build/orchestrator/package.json'))))
    .digest('hex');
  return loaded;
}
