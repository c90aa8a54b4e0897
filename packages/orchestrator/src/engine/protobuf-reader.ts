import { InternalError } from '../errors/fragments-error';
// Minimal protobuf wire-format reader: just enough to decode BuildKit's progress messages without a
// protobuf dependency (no codegen, no .proto text to vendor). It knows nothing about schemas; callers
// switch on field numbers and skip what they do not know, so newer engines adding fields keep working.

/**
 * Protobuf wire types (the low 3 bits of a field tag). Groups (3, 4) are deprecated and never used by BuildKit.
 * A plain object rather than a `const enum`, which does not survive per-file transpilation (isolatedModules).
 */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Thrown when the bytes are not valid protobuf (truncated, overlong varint, unsupported wire type). */
export class ProtobufDecodeError extends InternalError {
  constructor(
    message: string,
    /** Byte offset in the outermost buffer where decoding failed. */
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

export interface FieldTag {
  readonly field: number;
  readonly wireType: WireType;
}

const utf8 = new TextDecoder('utf-8');

/** Cursor over one message's bytes; `message()` returns a cursor bounded to a nested message. */
export class ProtobufReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** True when every field of this message has been consumed. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  tag(): FieldTag {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtobufDecodeError('field number 0', this.pos);
    return { field, wireType: (key % 8) as WireType };
  }

  /**
   * Reads a varint as a JS number. int64 values BuildKit sends (timestamps, byte counts, stream ids) are far
   * below 2^53; negative int64 (10-byte two's complement) is handled through BigInt so it stays correct.
   */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        // Only a 10-byte varint can be a negative int64.
        return i < 9 ? result : this.varintBig(start);
      }
      multiplier *= 128;
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes', start);
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** Length-delimited payload as a view on the underlying buffer (no copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new ProtobufDecodeError(`length ${len} exceeds message`, start);
    this.pos += len;
    return this.buf.subarray(start, start + len);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Reader over a nested (length-delimited) message. */
  message(): ProtobufReader {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new ProtobufDecodeError(`length ${len} exceeds message`, start);
    this.pos += len;
    return new ProtobufReader(this.buf, start, start + len);
  }

  /** Skips one field's value; this is what makes the decoder forward compatible. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.advance(this.varint());
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType}`, this.pos);
    }
  }

  /** Guards against a schema mismatch (e.g. a varint where a message was expected) that would misparse silently. */
  expect(tag: FieldTag, wireType: WireType): void {
    if (tag.wireType !== wireType) {
      throw new ProtobufDecodeError(`field ${tag.field}: wire type ${tag.wireType}, expected ${wireType}`, this.pos);
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufDecodeError('unexpected end of message', this.pos);
    return this.buf[this.pos++];
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new ProtobufDecodeError(`skip of ${n} bytes exceeds message`, this.pos);
    this.pos += n;
  }

  private varintBig(start: number): number {
    let v = 0n;
    for (let i = 0, p = start; i < 10; i++, p++) v |= BigInt(this.buf[p] & 0x7f) << BigInt(7 * i);
    return Number(BigInt.asIntN(64, v));
  }
}
