import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../files/write-file-atomic';
import { join } from 'node:path';
import { STAMP_BYTES, writeStamp, type FileStamp } from '../context/file-stamp';
import { decodeCacheFile, DIGEST_BYTES, encodeCacheFile, type CacheRecord } from './digest-cache-file';

/** File name inside the cache folder; a new format gets a new name, so versions never read each other's files. */
export const DIGEST_CACHE_FILE = 'digests-v1.bin';

/** At most this many files are remembered (about 140 bytes each on disk); the least recently used go first. */
export const DEFAULT_MAX_RECORDS = 200_000;

const DAY_MS = 86_400_000;

/**
 * A persistent map from file to sha256, in the spirit of git's index: a file whose lstat still gives the stamp it
 * had when it was hashed (size, mtime and ctime in ns, inode, device, mode) is not read again.
 *
 * - Only settled stamps are written (see isSettled): a file modified within the timestamp granularity of its
 *   hashing is hashed again next time. Unsettled ones are still reused within this process.
 * - The file is replaced atomically (temporary file + rename): concurrent runs never see a partial file; the last
 *   writer wins, after merging in what others wrote since it was read.
 * - A file that does not decode (truncated, corrupt, another format) is ignored and rewritten, never trusted.
 * - Bounded: beyond maxRecords the least recently used records are dropped.
 * - Errors reading or writing it never fail a plan: the cache only saves time.
 */
export class DigestCache {
  private readonly records: Map<string, CacheRecord>;
  /** Unsettled digests of this run: reused in this process only. */
  private readonly volatile = new Map<string, { stamp: Buffer; hex: string }>();
  private readonly scratch = Buffer.alloc(STAMP_BYTES);
  private readonly today = Math.floor(Date.now() / DAY_MS);
  private dirty = false;
  /** Lookups answered from the cache, and those that had to read the file: for benchmarks and tests. */
  readonly stats = { hits: 0, misses: 0 };
  private loadedVersion: string | undefined;

  private constructor(
    /** Undefined: in memory only. */
    readonly file: string | undefined,
    private readonly maxRecords: number,
  ) {
    this.records = file ? this.read(file) : new Map();
  }

  /** The cache kept in `dir` (see digestCacheDir). */
  static open(dir: string, maxRecords = DEFAULT_MAX_RECORDS): DigestCache {
    return new DigestCache(join(dir, DIGEST_CACHE_FILE), maxRecords);
  }

  /** A cache that lives as long as the process (nothing read or written). */
  static inMemory(): DigestCache {
    return new DigestCache(undefined, DEFAULT_MAX_RECORDS);
  }

  get size(): number {
    return this.records.size;
  }

  /** The hex sha256 recorded for `absPath` if its stamp is still the one it was hashed with, else undefined. */
  lookup(absPath: string, stamp: FileStamp): string | undefined {
    const bytes = writeStamp(stamp, this.scratch);
    const record = this.records.get(absPath);
    if (record && bytes.compare(record.data, record.at, record.at + STAMP_BYTES) === 0) {
      if (record.day !== this.today) {
        record.day = this.today;
        this.dirty = true;
      }
      this.stats.hits++;
      return record.data.toString('hex', record.at + STAMP_BYTES, record.at + STAMP_BYTES + DIGEST_BYTES);
    }
    const recent = this.volatile.get(absPath);
    if (recent?.stamp.equals(bytes)) {
      this.stats.hits++;
      return recent.hex;
    }
    this.stats.misses++;
    return undefined;
  }

  /** Records the digest of `absPath` read after its lstat gave `stamp`; only settled stamps outlive the process. */
  remember(absPath: string, stamp: FileStamp, settled: boolean, hex: string): void {
    const data = Buffer.allocUnsafe(STAMP_BYTES + DIGEST_BYTES);
    const bytes = writeStamp(stamp, data).subarray(0, STAMP_BYTES);
    if (!settled) {
      this.volatile.set(absPath, { stamp: bytes, hex });
      // A stale record for this path must not outlive the file's new state either.
      if (this.records.delete(absPath)) this.dirty = true;
      return;
    }
    data.write(hex, STAMP_BYTES, 'hex');
    this.records.set(absPath, { data, at: 0, day: this.today });
    this.dirty = true;
  }

  /** Writes the cache if anything changed; a failure to write is ignored (the next run hashes again). */
  save(): void {
    if (!this.file || !this.dirty) return;
    try {
      this.mergeConcurrentWrites(this.file);
      writeFileAtomic(this.file, encodeCacheFile(this.evict()), { createFolder: true });
      this.dirty = false;
    } catch {
      // not written: the next run hashes again
    }
  }

  private read(file: string): Map<string, CacheRecord> {
    try {
      // Version first: if the file is replaced in between, the merge at save time reads it again (harmless).
      this.loadedVersion = fileVersion(file);
      const data = readFileSync(file);
      return decodeCacheFile(data) ?? new Map();
    } catch {
      return new Map();
    }
  }

  /** Another run replaced the file since we read it: keep its records too (ours win where both have a path). */
  private mergeConcurrentWrites(file: string): void {
    const version = fileVersion(file);
    if (version === undefined || version === this.loadedVersion) return;
    const theirs = this.read(file);
    for (const [path, record] of theirs) if (!this.records.has(path) && !this.volatile.has(path)) this.records.set(path, record);
  }

  /** The records to write: all of them, or the most recently used maxRecords. */
  private evict(): Map<string, CacheRecord> {
    if (this.records.size <= this.maxRecords) return this.records;
    const kept = [...this.records].sort((a, b) => b[1].day - a[1].day).slice(0, this.maxRecords);
    return new Map(kept);
  }
}

function fileVersion(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}
