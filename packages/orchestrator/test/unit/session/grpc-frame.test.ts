import { encodeGrpcFrame, encodeGrpcMessage, GrpcFrameDecoder, GrpcFrameError } from '../../../src/session/grpc-frame';

describe('gRPC length-prefixed framing', () => {
  it('encodes flag 0, a big-endian length and the payload', () => {
    expect([...encodeGrpcFrame(Buffer.from([0x08, 0x01]))]).toEqual([0, 0, 0, 0, 2, 0x08, 0x01]);
    expect([...encodeGrpcFrame(new Uint8Array(0))]).toEqual([0, 0, 0, 0, 0]);
    const big = encodeGrpcFrame(Buffer.alloc(0x012345, 7));
    expect([...big.subarray(0, 5)]).toEqual([0, 0x00, 0x01, 0x23, 0x45]);
    expect(big.length).toBe(5 + 0x012345);
  });

  it('decodes messages split across chunks at every byte boundary', () => {
    const a = Buffer.from('first message');
    const b = Buffer.alloc(0);
    const c = Buffer.from([0, 1, 2, 255]);
    const wire = Buffer.concat([encodeGrpcFrame(a), encodeGrpcFrame(b), encodeGrpcFrame(c)]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const d = new GrpcFrameDecoder();
      const got = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
      expect(got.map((m) => m.toString('hex'))).toEqual([a, b, c].map((m) => m.toString('hex')));
      expect(() => d.end()).not.toThrow();
    }
    // One byte at a time.
    const d = new GrpcFrameDecoder();
    const got: Buffer[] = [];
    for (const byte of wire) got.push(...d.push(Uint8Array.of(byte)));
    expect(got).toHaveLength(3);
  });

  it('returned messages are copies, independent of the input chunk', () => {
    const wire = encodeGrpcFrame(Buffer.from('abc'));
    const [m] = new GrpcFrameDecoder().push(wire);
    wire.fill(0);
    expect(m.toString()).toBe('abc');
  });

  it('reports a stream that ends inside a message', () => {
    const d = new GrpcFrameDecoder();
    expect(d.push(encodeGrpcFrame(Buffer.from('abcdef')).subarray(0, 7))).toEqual([]);
    expect(() => d.end()).toThrow(/ended inside a message \(7 bytes left\)/);
    const h = new GrpcFrameDecoder();
    h.push(Uint8Array.of(0, 0));
    expect(() => h.end()).toThrow(GrpcFrameError);
  });

  it('rejects compressed messages and bad flags', () => {
    expect(() => new GrpcFrameDecoder().push(Uint8Array.of(1, 0, 0, 0, 0))).toThrow(/compressed gRPC message/);
    expect(() => new GrpcFrameDecoder().push(Uint8Array.of(2, 0, 0, 0, 0))).toThrow(/invalid gRPC compressed flag 2/);
  });

  it('rejects a declared length above the limit before buffering it', () => {
    const d = new GrpcFrameDecoder(16);
    expect(() => d.push(Uint8Array.of(0, 0, 0, 0, 17))).toThrow(/17 bytes exceeds the 16 byte limit/);
    expect(new GrpcFrameDecoder(16).push(encodeGrpcFrame(Buffer.alloc(16)))).toHaveLength(1);
  });

  it('percent-encodes grpc-message outside printable ASCII, and % itself', () => {
    expect(encodeGrpcMessage('secret tok not found')).toBe('secret tok not found');
    expect(encodeGrpcMessage('100% ok')).toBe('100%25 ok');
    expect(encodeGrpcMessage('a\nb')).toBe('a%0Ab');
    expect(encodeGrpcMessage('é')).toBe('%C3%A9');
  });
});
