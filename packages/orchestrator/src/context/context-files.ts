import { lstatSync, promises as fs, readdirSync, readlinkSync, type BigIntStats, type Dirent } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { UserError } from '../errors/user-error';
import { NO_MATCH_INFO, type IgnoreMatcher, type MatchInfo } from './dockerignore';
import { settledBefore, stampOf, wallClockNs, type FileStamp } from './file-stamp';
import { loadIgnoreFile } from './ignore-file';
import { isInside } from './link-target';

export { isInside, linkEscapesContext, resolveLinkTarget } from './link-target';

/**
 * Lists exactly the entries `docker build` (BuildKit, Docker >= 23) sends as the build context, without reading
 * any file content. It mirrors tonistiigi/fsutil's filtered walk (`filter.go` over `filepath.WalkDir`):
 *
 * - depth-first, each directory's names sorted by their UTF-8 bytes (Go's `os.ReadDir` order);
 * - `lstat` only: symlinks are returned as links with their raw target and never followed;
 * - an excluded directory is skipped, unless an exception could re-include something below it: any exception
 *   with a wildcard makes every excluded directory be entered, otherwise only an exception that literally
 *   starts with `<dir>/` does. An entered, excluded directory is emitted only once something below it is
 *   included (just before that entry), as fsutil does;
 * - the walk uses `MatchesUsingParentResults`, as fsutil does (see `IgnoreMatcher`).
 *
 * The Dockerfile and the ignore file, when inside the context, are always kept, like the CLI's
 * `TrimBuildFilesFromExcludes` (done with a fixed list of paths, not by appending `!` patterns, so names with
 * `[` or `*` cannot be misread as wildcards).
 */

export type ContextEntryType = 'file' | 'dir' | 'symlink' | 'special';
export type SpecialKind = 'fifo' | 'socket' | 'char-device' | 'block-device';

export interface ContextEntry {
  /** Slash-separated path relative to the context root, without `./` or a trailing `/`. */
  relPath: string;
  absPath: string;
  type: ContextEntryType;
  /** Permission bits only: `st.mode & 0o7777`. */
  mode: number;
  /** Size in bytes for regular files; 0 for every other type (as in a tar header). */
  size: number;
  /** The raw `readlink` text of a symlink, never resolved. */
  linkTarget?: string;
  /** For `special` entries: what they are. Docker cannot send them; see `assertNoSpecialFiles`. */
  specialKind?: SpecialKind;
  /** For regular files: the lstat taken before the file was read, which the digest cache and the packer check. */
  stamp?: FileStamp;
  /** For regular files: the stamp is old enough to vouch for the bytes (see `isSettled`). */
  settled?: boolean;
}

export interface ListContextOptions {
  contextDir: string;
  /** The Dockerfile (absolute, or relative to the process's working directory); may lie outside the context. */
  dockerfilePath: string;
}

export interface ContextListing {
  /** The context directory with symlinks resolved (`realpath`); every `absPath` is below it. */
  root: string;
  entries: ContextEntry[];
  /** Absolute path of the ignore file used, if any. */
  ignoreFile?: string;
}

export async function listContextFiles(opts: ListContextOptions): Promise<ContextListing> {
  const root = await realContextDir(opts.contextDir);
  const dockerfile = await realParent(path.resolve(opts.dockerfilePath));
  const { file: ignoreFile, matcher } = await loadIgnoreFile(root, dockerfile);
  const keep = [dockerfile, ignoreFile]
    .filter((p): p is string => p !== undefined && p !== root && isInside(root, p))
    .map((p) => path.relative(root, p).split(path.sep).join('/'));
  const walker = new ContextWalker(matcher, keep, settledBefore(wallClockNs()));
  walker.walkDir({ relPath: '', absPath: root, emitted: true }, NO_MATCH_INFO, [], false);
  return { root, entries: walker.entries, ignoreFile };
}

/**
 * Refuses sockets, FIFOs and devices: they have no content to send (tar-fs would fail or skip them silently).
 * The message names every such path so the user can exclude them.
 */
export function assertNoSpecialFiles(listing: ContextListing): void {
  const special = listing.entries.filter((e) => e.type === 'special');
  if (special.length === 0) return;
  const names = special.map((e) => `${e.relPath} (${e.specialKind})`).join(', ');
  throw new UserError(
    `the build context ${listing.root} contains files that cannot be sent: ${names}`,
    { file: special[0].absPath },
    `add them to ${listing.ignoreFile ?? path.join(listing.root, '.dockerignore')}`,
  );
}

interface DirNode {
  relPath: string;
  absPath: string;
  /** Already in `entries`? Excluded directories entered for re-includes are emitted lazily. */
  emitted: boolean;
}

class ContextWalker {
  readonly entries: ContextEntry[] = [];
  private readonly keep: Set<string>;
  /** Directories holding a kept path: entered even when excluded. */
  private readonly keepAncestors = new Set<string>();

  constructor(
    private readonly matcher: IgnoreMatcher,
    keep: string[],
    /** Stamps with mtime and ctime before this are settled (see isSettled; judged from before the first lstat). */
    private readonly settledLimitNs: bigint,
  ) {
    this.keep = new Set(keep);
    for (const p of keep) {
      for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) this.keepAncestors.add(p.slice(0, i));
    }
  }

  /**
   * Walks the children of `dir`. `ancestors` are the directories above them that may still need emitting;
   * `excluded` says `dir` itself is excluded (entered only to look for re-included entries).
   */
  walkDir(dir: DirNode, info: MatchInfo, ancestors: DirNode[], excluded: boolean): void {
    const children = this.readDir(dir, excluded);
    const parents = dir.relPath === '' ? ancestors : [...ancestors, dir];
    for (const child of children) {
      const name = child.name.toString('utf8');
      const relPath = dir.relPath === '' ? name : `${dir.relPath}/${name}`;
      const absPath = path.join(dir.absPath, name);
      const { matched, info: childInfo } = this.matcher.matchesUsingParentResults(relPath, info);
      const isExcluded = matched && !this.keep.has(relPath);
      if (isExcluded && !(child.isDirectory() && this.mayHoldIncluded(relPath))) continue;
      if (!isUtf8(child.name)) {
        throw new UserError(
          `file name is not valid UTF-8: ${JSON.stringify(relPath)}`,
          { file: absPath },
          'rename it, or exclude it in .dockerignore without any exception that reaches it',
        );
      }
      if (isExcluded) {
        this.walkDir({ relPath, absPath, emitted: false }, childInfo, parents, true);
        continue;
      }
      const entry = statEntry(relPath, absPath, this.settledLimitNs);
      if (!entry) continue; // removed while we were walking
      this.emitAncestors(parents);
      this.entries.push(entry);
      if (entry.type === 'dir') this.walkDir({ relPath, absPath, emitted: true }, childInfo, parents, false);
    }
  }

  private mayHoldIncluded(dirRelPath: string): boolean {
    return this.matcher.mayReincludeBelow(dirRelPath) || this.keepAncestors.has(dirRelPath);
  }

  /** fsutil emits an excluded parent directory right before the first included entry below it. */
  private emitAncestors(parents: DirNode[]): void {
    for (const dir of parents) {
      if (dir.emitted) continue;
      const entry = statEntry(dir.relPath, dir.absPath, this.settledLimitNs);
      if (!entry) throw new UserError(`directory vanished while listing the build context: ${dir.relPath}`, { file: dir.absPath });
      this.entries.push(entry);
      dir.emitted = true;
    }
  }

  private readDir(dir: DirNode, excluded: boolean): Dirent<Buffer>[] {
    let children: Dirent<Buffer>[];
    try {
      // Synchronous, like the lstat of each entry: an awaited readdir per directory is a thread-pool round trip each.
      children = readdirSync(dir.absPath, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // fsutil: a directory removed during the walk is skipped, and an unreadable one is fine if excluded.
      if (dir.relPath !== '' && (code === 'ENOENT' || code === 'ENOTDIR')) return [];
      if (excluded && (code === 'EACCES' || code === 'EPERM')) return [];
      throw new UserError(
        `cannot read ${dir.relPath === '' ? 'the build context' : `directory ${dir.relPath} in the build context`}: ${code ?? (e as Error).message}`,
        { file: dir.absPath },
        'fix its permissions or exclude it in .dockerignore',
      );
    }
    // Go's os.ReadDir sorts by name, i.e. by bytes; Buffer.compare is the same order.
    return children.sort((a, b) => Buffer.compare(a.name, b.name));
  }
}

function statEntry(relPath: string, absPath: string, settledLimitNs: bigint): ContextEntry | undefined {
  // The whole walk is synchronous on purpose: one lstat per entry is a few microseconds from the inode cache, while
  // an awaited one costs a thread-pool round trip, and even an awaited synchronous call a promise and a microtask
  // per entry: together most of a 20,000-file walk.
  let st: BigIntStats | undefined;
  try {
    st = lstatSync(absPath, { bigint: true, throwIfNoEntry: false });
  } catch (e) {
    throw new UserError(`cannot stat ${relPath} in the build context: ${(e as Error).message}`, { file: absPath });
  }
  if (!st) return undefined;
  const mode = Number(st.mode & 0o7777n);
  if (st.isFile()) {
    const stamp = stampOf(st);
    const settled = stamp.mtimeNs < settledLimitNs && stamp.ctimeNs < settledLimitNs;
    return { relPath, absPath, type: 'file', mode, size: Number(st.size), stamp, settled };
  }
  if (st.isDirectory()) return { relPath, absPath, type: 'dir', mode, size: 0 };
  if (st.isSymbolicLink()) return { relPath, absPath, type: 'symlink', mode, size: 0, linkTarget: readLinkTarget(relPath, absPath) };
  return { relPath, absPath, type: 'special', mode, size: 0, specialKind: specialKind(st) };
}

/** A link that cannot be read (EACCES, e.g. the links under /proc) is the context's problem, reported like lstat. */
function readLinkTarget(relPath: string, absPath: string): string {
  try {
    return readlinkSync(absPath);
  } catch (e) {
    throw new UserError(`cannot read the symlink ${relPath} in the build context: ${(e as Error).message}`, { file: absPath });
  }
}

function specialKind(st: BigIntStats): SpecialKind {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char-device';
  return 'block-device';
}


/** `realpath` of the context (fsutil `NewFS` resolves it with `EvalSymlinks`); it must be a directory. */
async function realContextDir(contextDir: string): Promise<string> {
  try {
    const root = await fs.realpath(path.resolve(contextDir));
    if ((await fs.stat(root)).isDirectory()) return root;
  } catch {
    // reported below
  }
  throw new UserError(`build context is not a directory: ${contextDir}`, { file: contextDir });
}

/**
 * The Dockerfile path with its folder's symlinks resolved, so it compares correctly with the real context root
 * (e.g. /tmp → /private/tmp on macOS). The file itself is not dereferenced: a symlinked Dockerfile stays a link.
 */
async function realParent(file: string): Promise<string> {
  try {
    return path.join(await fs.realpath(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}
