// Test-only protobuf encoder, used to build messages with known contents (and unknown extra fields).
export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

export function tag(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

export const field = {
  varint: (n: number, v: number | bigint | boolean): number[] => [...tag(n, 0), ...varint(typeof v === 'boolean' ? Number(v) : v)],
  bytes: (n: number, b: Uint8Array | number[]): number[] => [...tag(n, 2), ...varint(b.length), ...b],
  string: (n: number, s: string): number[] => field.bytes(n, [...Buffer.from(s, 'utf8')]),
  message: (n: number, parts: number[][]): number[] => field.bytes(n, parts.flat()),
  fixed64: (n: number): number[] => [...tag(n, 1), 1, 2, 3, 4, 5, 6, 7, 8],
  fixed32: (n: number): number[] => [...tag(n, 5), 1, 2, 3, 4],
};

/** google.protobuf.Timestamp for epoch milliseconds (integer ms). */
export function timestamp(n: number, ms: number): number[] {
  return field.message(n, [field.varint(1, Math.floor(ms / 1000)), field.varint(2, (ms % 1000) * 1e6)]);
}

export function bytesOf(parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}
