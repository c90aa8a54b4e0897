import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors/user-error';
import { IgnoreMatcher, parseDockerignore } from './dockerignore';

/**
 * Which ignore file applies to a build, and its compiled patterns.
 *
 * BuildKit's Dockerfile frontend (`frontend/dockerui`) first reads `<Dockerfile path>.dockerignore`, e.g.
 * `docker/app.Dockerfile.dockerignore`, and only when that does not exist `<context>/.dockerignore`. The two
 * are never merged. The classic CLI and dockerode know only the root file; we follow BuildKit, which is what
 * `docker build` (>= 23) does.
 */
export interface LoadedIgnoreFile {
  /** Absolute path of the file used; `undefined` when there is none (nothing is excluded). */
  file?: string;
  matcher: IgnoreMatcher;
}

export async function loadIgnoreFile(contextDir: string, dockerfileAbsPath: string): Promise<LoadedIgnoreFile> {
  for (const file of [`${dockerfileAbsPath}.dockerignore`, path.join(contextDir, '.dockerignore')]) {
    const text = await readIfPresent(file);
    if (text !== undefined) return { file, matcher: new IgnoreMatcher(parseDockerignore(text, file), file) };
  }
  return { matcher: new IgnoreMatcher([]) };
}

/** The file's text, or `undefined` when it does not exist (or is not a file) so the next candidate is tried. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    // Go reads bytes and converts them to a string; invalid UTF-8 can only ever match nothing, so U+FFFD is fine.
    return (await fs.readFile(file)).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw new UserError(`cannot read ignore file: ${(e as Error).message}`, { file }, 'fix its permissions or remove it');
  }
}
