import type { BigIntStats } from 'node:fs';

/**
 * What git's index keeps of a file to tell, without reading it, that it is unchanged since it was hashed: size,
 * mtime and ctime in nanoseconds, inode, device and mode, from one `lstat(…, { bigint: true })`. Any write moves
 * mtime or ctime (ctime cannot be set back: `touch -d`/utimes restore mtime but move ctime), a rename or a
 * replaced file changes the inode, and chmod changes the mode and ctime.
 */
export interface FileStamp {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
  mode: bigint;
}

/** Bytes of a stamp in its binary form: five u64 and the mode as a u32. */
export const STAMP_BYTES = 44;

export function stampOf(st: BigIntStats): FileStamp {
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev, mode: st.mode };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev && a.mode === b.mode;
}

/**
 * Writes the stamp's binary form at `offset` (the digest cache compares stamps as bytes). Through a DataView: its
 * 64-bit setters are engine built-ins, where Buffer's writeBigUInt64LE splits each value with BigInt arithmetic (a
 * visible share of a 20,000-file warm plan). Same little-endian bytes either way.
 */
export function writeStamp(stamp: FileStamp, target: Buffer, offset = 0): Buffer {
  const view = viewOf(target);
  const at = target.byteOffset + offset;
  view.setBigUint64(at, stamp.size, true);
  view.setBigUint64(at + 8, stamp.mtimeNs, true);
  view.setBigUint64(at + 16, stamp.ctimeNs, true);
  view.setBigUint64(at + 24, BigInt.asUintN(64, stamp.ino), true);
  view.setBigUint64(at + 32, BigInt.asUintN(64, stamp.dev), true);
  view.setUint32(at + 40, Number(stamp.mode & 0xffffffffn), true);
  return target;
}

/** One DataView per underlying ArrayBuffer (scratch buffers are written once per file). */
const views = new WeakMap<ArrayBufferLike, DataView>();
function viewOf(target: Buffer): DataView {
  let view = views.get(target.buffer);
  if (!view) views.set(target.buffer, (view = new DataView(target.buffer)));
  return view;
}

/**
 * How recent a change may be and still share its timestamps with a later one: coarse file systems keep 1 s (ext3,
 * HFS+) or 2 s (FAT), and Linux stamps files from a clock that lags the wall clock by up to a tick.
 */
export const RACY_WINDOW_NS = 2_000_000_000n;

/**
 * git's "racy clean" rule, made safe for coarse timestamps: a stamp taken at `observedAtNs` (wall clock, before the
 * lstat) vouches for the bytes read after it only if the file's mtime and ctime are strictly older than
 * `observedAtNs - RACY_WINDOW_NS`. Otherwise a write just after we read it could leave every field unchanged, so
 * the file is hashed again next time (and streamed through a hash when sent) instead of being trusted.
 */
export function isSettled(stamp: FileStamp, observedAtNs: bigint): boolean {
  const limit = settledBefore(observedAtNs);
  return stamp.mtimeNs < limit && stamp.ctimeNs < limit;
}

/** The time before which a stamp observed at `observedAtNs` is settled (computed once per walk). */
export function settledBefore(observedAtNs: bigint): bigint {
  return observedAtNs - RACY_WINDOW_NS;
}

/** The wall clock in nanoseconds, on the clock file timestamps come from. */
export function wallClockNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
