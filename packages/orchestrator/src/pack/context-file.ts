import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sameStamp, stampOf } from '../context/file-stamp';
import type { ContextEntry } from '../context/context-files';
import { EnvironmentError } from '../errors/fragments-error';

/** A context file opened to be sent, checked against what the plan hashed. */
export interface ContextFile {
  size: number;
  /** The whole file (small files). */
  readAll(): Buffer;
  /** The next chunk of at most `max` bytes, or undefined at the end. */
  readChunk(max: number): Buffer | undefined;
  /** Checks what was read against the hash (when the stamp could not vouch for it); throws if it changed. */
  finish(): void;
  close(): void;
}

/**
 * Opens a file of the plan's listing for sending, with one pass over its bytes:
 *
 * - its stamp (fstat of the opened file) must be the one taken before it was hashed, else it changed since;
 * - if that stamp is settled (see isSettled), equal stamps prove equal bytes, as in git's index: nothing is hashed;
 * - otherwise (modified within the racy window, or no stamp) the bytes are hashed as they are read and must give
 *   `expected`, the `file:<mode>:<sha256>` the tag was computed from.
 */
export function openContextFile(entry: ContextEntry, expected: string | undefined): ContextFile {
  let fd: number;
  try {
    fd = openSync(entry.absPath, 'r');
  } catch (e) {
    throw changed(entry, `cannot be read any more (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const now = fstatSync(fd, { bigint: true });
    if (entry.stamp && !sameStamp(stampOf(now), entry.stamp)) throw changed(entry, 'changed after it was hashed');
    const size = Number(now.size);
    const hash: Hash | undefined = expected !== undefined && !(entry.stamp && entry.settled) ? createHash('sha256') : undefined;
    let read = 0;
    const readExactly = (length: number): Buffer => {
      const bytes = Buffer.allocUnsafe(length);
      let at = 0;
      while (at < length) {
        const n = readSync(fd, bytes, at, length - at, null);
        if (n === 0) throw changed(entry, 'shrank while it was being sent');
        at += n;
      }
      hash?.update(bytes);
      read += length;
      return bytes;
    };
    return {
      size,
      readAll: () => readExactly(size),
      readChunk: (max) => (read < size ? readExactly(Math.min(max, size - read)) : undefined),
      finish: () => {
        if (hash && !expected!.endsWith(`:${hash.digest('hex')}`)) throw changed(entry, 'changed after it was hashed');
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function changed(entry: ContextEntry, what: string): Error {
  return new EnvironmentError(`context file ${entry.relPath} ${what}`, { hint: 'something else writes to the build context; run the build again when it is done' });
}
