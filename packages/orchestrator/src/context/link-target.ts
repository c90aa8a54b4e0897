import * as path from 'node:path';

/**
 * Lexical checks for symlinks found in a build context. The walker never follows links (it stores the raw
 * `readlink` text, as `docker build` does), so these checks only tell the packer whether a link *points*
 * outside the context, which it refuses.
 *
 * They are lexical on purpose: nothing on disk is dereferenced. A chain can still leave the context when
 * resolved by a kernel (`s -> .` plus `x -> s/..`), so refuse every escaping link, not only the ones a file
 * is read through.
 */

/** Is `target` the directory `dir` itself or somewhere below it? Both are made absolute first. */
export function isInside(dir: string, target: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(target));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

/** Where a link at `linkAbsPath` with text `linkTarget` points on this machine (relative to the link's folder). */
export function resolveLinkTarget(linkAbsPath: string, linkTarget: string): string {
  return path.resolve(path.dirname(linkAbsPath), linkTarget);
}

/**
 * Does the symlink at `linkAbsPath` point outside `contextDir`? An absolute target counts as inside only when
 * that host path is inside the context (inside an image it will point elsewhere anyway).
 */
export function linkEscapesContext(contextDir: string, linkAbsPath: string, linkTarget: string): boolean {
  return !isInside(contextDir, resolveLinkTarget(linkAbsPath, linkTarget));
}
