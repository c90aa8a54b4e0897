import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` in one step: the bytes go to a new temporary file beside it (same folder, so the rename stays on
 * one file system; named per process and call, so concurrent writers never share one), then rename(2) swaps it in.
 * A concurrent reader sees the old file or the new one, never half of either. On failure the temporary file is
 * removed and the error thrown: caches ignore it, the lock file reports it.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: { createFolder?: boolean } = {}): void {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (options.createFolder) mkdirSync(folder, { recursive: true });
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, file);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the folder itself is unwritable: nothing was left there
    }
    throw e;
  }
}
