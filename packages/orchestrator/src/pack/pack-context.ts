import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pack as tarPack, type Headers } from 'tar-fs';
import { canonicalMode } from '../context/canonical-mode';
import type { ContextEntry } from '../context/context-files';
import { EnvironmentError } from '../errors/fragments-error';

const TAR_TYPES: Record<string, 'file' | 'dir' | 'symlink'> = { file: 'file', directory: 'dir', symlink: 'symlink' };

/** Name under which a Dockerfile that lives outside its context is added to the tar (as the docker CLI does). */
export const OUTSIDE_DOCKERFILE_NAME = '.dockerfile.fragment';

export interface PackOptions {
  contextDir: string;
  /** Exactly the entries the hash covers, in order (from listContextFiles). */
  entries: readonly ContextEntry[];
  /** context path -> `file:<mode>:<sha256>` from the hash: each file is re-hashed while streamed and must match. */
  expectedFiles?: Record<string, string>;
  /** Dockerfile text to add under OUTSIDE_DOCKERFILE_NAME when the Dockerfile is not inside the context. */
  outsideDockerfile?: string;
}

/**
 * A deterministic tar stream of the context: the hashed entries in order, uid/gid 0, mtime 0, canonical modes, symlinks
 * as links (never followed). Streamed from disk with backpressure, so memory stays flat whatever the context size.
 * A file whose bytes no longer match the hash fails the stream: the image must be what its tag says.
 */
export function packContext(options: PackOptions): Readable {
  const paths = options.entries.map((e) => e.relPath);
  return tarPack(options.contextDir, {
    entries: paths,
    // Entries are listed explicitly (the ignore rules were applied by the walker): never recurse on our own.
    ignore: () => true,
    umask: 0,
    strict: true,
    dereference: false,
    map: (header: Headers) => ({ ...header, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), mode: canonicalMode(TAR_TYPES[header.type] ?? 'file', header.mode ?? 0) }),
    mapStream: (stream: Readable, header: Headers) => (options.expectedFiles ? verifyingStream(stream, header.name, options.expectedFiles[header.name]) : stream),
    finalize: options.outsideDockerfile === undefined,
    finish: (pack: { entry(h: Headers, body: string): void; finalize(): void }) => {
      if (options.outsideDockerfile === undefined) return;
      pack.entry({ name: OUTSIDE_DOCKERFILE_NAME, type: 'file', size: Buffer.byteLength(options.outsideDockerfile), mode: 0o600, uid: 0, gid: 0, mtime: new Date(0) }, options.outsideDockerfile);
      pack.finalize();
    },
    // @types/tar-fs describes tar-fs 2; tar-fs 3 takes the same options but mapStream may return any Readable.
  } as unknown as Parameters<typeof tarPack>[1]);
}

function verifyingStream(source: Readable, name: string, expected: string | undefined): Readable {
  const hash = createHash('sha256');
  const out = new Transform({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const digest = hash.digest('hex');
      if (expected && !expected.endsWith(`:${digest}`)) cb(new EnvironmentError('changed after it was hashed', { where: `context file ${name}`, hint: 'something else writes to the build context; run the build again when it is done' }));
      else cb();
    },
  });
  source.on('error', (e) => out.destroy(e));
  return source.pipe(out);
}
