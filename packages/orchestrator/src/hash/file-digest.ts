import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { EnvironmentError } from '../errors/fragments-error';

/**
 * sha256 of a file's bytes, streamed (never read whole into memory). Results are memoised per process by path, size,
 * mtime and inode, so variants and platforms sharing a context hash each file once.
 */
const memo = new Map<string, Promise<string>>();

export async function fileDigest(absPath: string): Promise<string> {
  const st = await stat(absPath);
  const key = `${absPath}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  let digest = memo.get(key);
  if (!digest) {
    digest = streamDigest(absPath, st.size);
    memo.set(key, digest);
    digest.catch(() => memo.delete(key));
  }
  return digest;
}

async function streamDigest(absPath: string, expectedSize: number): Promise<string> {
  // A read loop over one reused buffer per call: streamed like a ReadStream, without its per-chunk overhead, which
  // dominates on contexts of many small files.
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(expectedSize, 1)));
  const handle = await open(absPath, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  if (size !== expectedSize) {
    // The file changed while we read it: the hash would describe neither version.
    throw new EnvironmentError(`changed while it was being hashed (size ${expectedSize} -> ${size})`, { where: absPath, hint: 'something else writes to this file; run again when it is done' });
  }
  return hash.digest('hex');
}

const CHUNK = 1 << 20;

/** Runs `fn` over `items` with at most `limit` in flight, keeping result order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
