import { createHash } from 'node:crypto';
import { STAMP_BYTES } from '../context/file-stamp';

/**
 * The digest cache's file format: a fixed header, then one record per file. Binary rather than JSON because a
 * 20,000-file context makes a 3 MB file that is read on every plan: parsing it must cost milliseconds.
 *
 *   header  magic "FRAGDIGC" | u32 format | u32 record count | u64 payload bytes | sha256(payload) (32 bytes)
 *   record  u16 path bytes | path (UTF-8) | stamp (44 bytes, see writeStamp) | sha256 of the file (32) | u32 day
 *
 * The checksum covers the payload, so a truncated, interleaved or otherwise corrupt file is detected and ignored
 * (decode returns undefined) instead of trusted.
 */

export interface CacheRecord {
  /**
   * Holds, from `at`, the stamp's bytes (STAMP_BYTES, see writeStamp; a record vouches for a file only while its
   * lstat gives these bytes) and then the raw sha256 of the file (DIGEST_BYTES). Records read from a file all share
   * that file's buffer: loading allocates no buffer per record.
   */
  data: Buffer;
  at: number;
  /** Day (since the epoch) the record was last used: the least recently used are evicted first. */
  day: number;
}

export const DIGEST_BYTES = 32;

const MAGIC = Buffer.from('FRAGDIGC', 'latin1');
const FORMAT = 1;
const HEADER_BYTES = 8 + 4 + 4 + 8 + 32;
const FIXED_RECORD_BYTES = 2 + STAMP_BYTES + DIGEST_BYTES + 4;

export function encodeCacheFile(records: ReadonlyMap<string, CacheRecord>): Buffer {
  const paths = new Map<string, Buffer>();
  let payloadBytes = 0;
  for (const path of records.keys()) {
    const bytes = Buffer.from(path, 'utf8');
    if (bytes.length > 0xffff) continue; // longer than any path a file system takes: never cached
    paths.set(path, bytes);
    payloadBytes += FIXED_RECORD_BYTES + bytes.length;
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + payloadBytes);
  let at = HEADER_BYTES;
  for (const [path, bytes] of paths) {
    const record = records.get(path)!;
    at = out.writeUInt16LE(bytes.length, at);
    at += bytes.copy(out, at);
    at += record.data.copy(out, at, record.at, record.at + STAMP_BYTES + DIGEST_BYTES);
    at = out.writeUInt32LE(record.day, at);
  }
  MAGIC.copy(out, 0);
  out.writeUInt32LE(FORMAT, 8);
  out.writeUInt32LE(paths.size, 12);
  out.writeBigUInt64LE(BigInt(payloadBytes), 16);
  createHash('sha256').update(out.subarray(HEADER_BYTES)).digest().copy(out, 24);
  return out;
}

/** The records of a cache file, or undefined when it is not one (wrong magic or format, truncated, corrupt). */
export function decodeCacheFile(data: Buffer): Map<string, CacheRecord> | undefined {
  if (data.length < HEADER_BYTES || !data.subarray(0, 8).equals(MAGIC) || data.readUInt32LE(8) !== FORMAT) return undefined;
  const count = data.readUInt32LE(12);
  if (data.readBigUInt64LE(16) !== BigInt(data.length - HEADER_BYTES)) return undefined;
  const payload = data.subarray(HEADER_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(data.subarray(24, 56))) return undefined;
  const records = new Map<string, CacheRecord>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 2 > payload.length) return undefined;
    const pathBytes = payload.readUInt16LE(at);
    const end = at + 2 + pathBytes + STAMP_BYTES + DIGEST_BYTES + 4;
    if (end > payload.length) return undefined;
    const path = payload.toString('utf8', at + 2, at + 2 + pathBytes);
    records.set(path, { data: payload, at: at + 2 + pathBytes, day: payload.readUInt32LE(end - 4) });
    at = end;
  }
  return at === payload.length ? records : undefined;
}
