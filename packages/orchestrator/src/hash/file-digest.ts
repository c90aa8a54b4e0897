import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

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
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(absPath, { highWaterMark: 1 << 20 }), async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      size += chunk.length;
      hash.update(chunk);
    }
    yield* [];
  });
  if (size !== expectedSize) {
    // The file changed while we read it: the hash would describe neither version.
    throw new Error(`${absPath} changed while it was being hashed (size ${expectedSize} -> ${size}); run again`);
  }
  return hash.digest('hex');
}

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
