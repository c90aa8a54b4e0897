import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors/user-error';

/** File names that make a folder a fragments workspace root. */
export const PINS_FILE = 'pins.yaml';
export const LOCK_FILE = 'pins.lock.yaml';
export const FRAGMENTS_DIR = 'fragments';
export const PROFILES_DIR = 'profiles';
export const FRAGMENT_FILE = 'fragment.yaml';

/** The workspace root: `--root` when given, else the nearest folder upwards from `cwd` that holds pins.yaml. */
export function findWorkspaceRoot(cwd: string, explicit?: string): string {
  if (explicit) {
    const root = resolve(cwd, explicit);
    if (!existsSync(join(root, PINS_FILE))) {
      throw new UserError(`no ${PINS_FILE} in ${root}`, { field: '--root' }, `point --root at a folder holding ${PINS_FILE} and ${FRAGMENTS_DIR}/`);
    }
    return root;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, PINS_FILE))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new UserError(`no ${PINS_FILE} found in ${cwd} or any parent folder`, {}, 'run inside a fragments workspace or pass --root DIR');
}

/** Paths in messages are relative to the workspace root: shorter, and the same on every machine. */
export function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
