import { ProtobufDecodeError, ProtobufReader, WireType } from '../../../src/engine/protobuf-reader';
import { field, tag, varint } from './protobuf-writer';

const reader = (bytes: number[]) => new ProtobufReader(Uint8Array.from(bytes));

describe('ProtobufReader', () => {
  it.each([0, 1, 127, 128, 300, 2 ** 31, 1_700_000_000, 2 ** 53 - 1])('reads varint %d', (n) => {
    expect(reader(varint(n)).varint()).toBe(n);
  });

  it('reads a negative int64 (10-byte varint)', () => {
    const bytes = varint(-2n);
    expect(bytes).toHaveLength(10);
    expect(reader(bytes).varint()).toBe(-2);
  });

  it('reads tags, strings and nested messages', () => {
    const r = reader([...field.string(3, 'héllo'), ...field.message(5, [field.varint(1, 42)])]);
    expect(r.tag()).toEqual({ field: 3, wireType: WireType.LengthDelimited });
    expect(r.string()).toBe('héllo');
    expect(r.tag()).toEqual({ field: 5, wireType: WireType.LengthDelimited });
    const inner = r.message();
    expect(inner.tag()).toEqual({ field: 1, wireType: WireType.Varint });
    expect(inner.varint()).toBe(42);
    expect(inner.done).toBe(true);
    expect(r.done).toBe(true);
  });

  it('skips every supported wire type', () => {
    const r = reader([
      ...field.varint(1, 300),
      ...field.fixed64(2),
      ...field.string(3, 'skip me'),
      ...field.fixed32(4),
      ...field.varint(9, 7),
    ]);
    for (let i = 0; i < 4; i++) r.skip(r.tag().wireType);
    expect(r.tag().field).toBe(9);
    expect(r.varint()).toBe(7);
  });

  it('rejects truncated input with the offset', () => {
    expect(() => reader([0x80]).varint()).toThrow(ProtobufDecodeError);
    const r = reader([...tag(1, 2), 5, 1, 2]);
    r.tag();
    expect(() => r.bytes()).toThrow(/length 5 exceeds message at byte 2/);
  });

  it('rejects a nested length that overruns its parent', () => {
    const r = reader([...tag(1, 2), 3, ...tag(1, 2), 9, 0]);
    r.tag();
    const inner = r.message();
    inner.tag();
    expect(() => inner.message()).toThrow(ProtobufDecodeError);
  });

  it('rejects group wire types and field number 0', () => {
    const r = reader(tag(1, 3));
    expect(() => r.skip(r.tag().wireType)).toThrow(/unsupported wire type 3/);
    expect(() => reader([0x00]).tag()).toThrow(/field number 0/);
  });

  it('rejects a wire type that does not match the schema', () => {
    const r = reader(field.varint(1, 1));
    const t = r.tag();
    expect(() => r.expect(t, WireType.LengthDelimited)).toThrow(/field 1: wire type 0, expected 2/);
  });
});
