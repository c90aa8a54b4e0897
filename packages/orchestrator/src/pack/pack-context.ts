import type { Readable } from 'node:stream';
import type { Header, Pack as TarPack } from 'tar-stream';
import { canonicalMode } from '../context/canonical-mode';
import type { ContextEntry } from '../context/context-files';
import { openContextFile, type ContextFile } from './context-file';
import { InternalError } from '../errors/fragments-error';

/** Name under which a Dockerfile that lives outside its context is added to the tar (as the docker CLI does). */
export const OUTSIDE_DOCKERFILE_NAME = '.dockerfile.fragment';

/** Bytes the tar stream buffers ahead of the socket: large enough that the socket gets big writes. */
const HIGH_WATER_MARK = 1 << 20;

export interface PackOptions {
  contextDir: string;
  /** Exactly the entries the hash covers, in order (from listContextFiles). */
  entries: readonly ContextEntry[];
  /**
   * context path -> `file:<mode>:<sha256>` from the hash. A file whose settled stamp still matches is vouched for by
   * its lstat (not read twice); any other file is hashed while it is streamed and must match.
   */
  expectedFiles?: Record<string, string>;
  /** Dockerfile text to add under OUTSIDE_DOCKERFILE_NAME when the Dockerfile is not inside the context. */
  outsideDockerfile?: string;
}

type TarHeader = Partial<Header> & Pick<Header, 'name'>;

/**
 * A deterministic tar stream of the context: the hashed entries in order, uid/gid 0, mtime 0, canonical modes,
 * symlinks as links with the target that was hashed (never followed). A file that changed since it was hashed fails
 * the stream: the image must be what its tag says.
 *
 * Files are read synchronously (open, fstat, read, close: the system calls `tar -c` makes) and handed to
 * tar-stream whole when small, in 1 MB chunks with backpressure when large, so memory stays flat whatever the
 * context size. tar-fs, which this replaced, awaits an lstat, an open, reads through a 64 KB ReadStream and a close
 * for every file, each a thread-pool round trip: on 20,000 small files it spent most of its time waiting for them
 * (tools/bench/engine-builds.js measures both).
 */
export function packContext(options: PackOptions): Readable {
  // Required here, not at start-up: only a build sends a context.
  const tarStream = require('tar-stream') as typeof import('tar-stream');
  const pack = tarStream.pack({ highWaterMark: HIGH_WATER_MARK });
  void (async () => {
    for (const entry of options.entries) {
      if (pack.destroying) return;
      await addEntry(pack, entry, options.expectedFiles?.[entry.relPath]);
    }
    if (options.outsideDockerfile !== undefined) {
      await addBuffer(pack, { ...fixedHeader(OUTSIDE_DOCKERFILE_NAME, 'file', 0o600) }, Buffer.from(options.outsideDockerfile, 'utf8'));
    }
    pack.finalize();
  })().catch((e: Error) => pack.destroy(e));
  return pack as unknown as Readable;
}

async function addEntry(pack: TarPack, entry: ContextEntry, expected: string | undefined): Promise<void> {
  switch (entry.type) {
    case 'dir':
      return addBuffer(pack, fixedHeader(entry.relPath, 'directory', canonicalMode('dir', entry.mode)));
    case 'symlink':
      return addBuffer(pack, { ...fixedHeader(entry.relPath, 'symlink', canonicalMode('symlink', entry.mode)), linkname: entry.linkTarget ?? '' });
    case 'file':
      return addFile(pack, entry, expected);
    default:
      throw new InternalError(`cannot send ${entry.relPath}: not a file, directory or symlink`);
  }
}

async function addFile(pack: TarPack, entry: ContextEntry, expected: string | undefined): Promise<void> {
  const file = openContextFile(entry, expected);
  try {
    const header = { ...fixedHeader(entry.relPath, 'file', canonicalMode('file', entry.mode)), size: file.size };
    if (file.size <= HIGH_WATER_MARK) {
      const bytes = file.readAll();
      file.finish();
      return await addBuffer(pack, header, bytes);
    }
    await addStreamed(pack, header, file);
  } finally {
    file.close();
  }
}

/** A large file in chunks: each chunk is written once the tar stream has room, so memory stays flat. */
function addStreamed(pack: TarPack, header: TarHeader, file: ContextFile): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (err?: Error | null) => (err ? reject(err) : resolve()));
    const writeMore = () => {
      try {
        for (;;) {
          const chunk = file.readChunk(HIGH_WATER_MARK);
          if (!chunk) {
            file.finish();
            (sink as unknown as { end(): void }).end();
            return;
          }
          if (!sink.write(chunk)) {
            sink.once('drain', writeMore);
            return;
          }
        }
      } catch (e) {
        sink.destroy(e as Error);
        reject(e);
      }
    };
    writeMore();
  });
}

function addBuffer(pack: TarPack, header: TarHeader, bytes?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (bytes) pack.entry(header, bytes, done);
    else pack.entry(header, done);
  });
}

/** What the docker CLI normalises too: owner root, no names, mtime 0; the mode is canonical (see canonicalMode). */
function fixedHeader(name: string, type: Header['type'], mode: number): TarHeader {
  return { name, type, mode, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), size: 0 };
}
