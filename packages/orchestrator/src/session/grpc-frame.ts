import { InternalError } from '../errors/fragments-error';
// gRPC's length-prefixed message framing (the body of an HTTP/2 gRPC stream): each message is
// [1 byte compressed flag][4 byte big-endian length][payload]. Messages may span DATA frames and one DATA
// frame may hold several messages, so the decoder buffers across chunks.

/** gRPC's default limit for a received message; the daemon's requests here are a few bytes. */
export const DEFAULT_MAX_GRPC_MESSAGE = 4 * 1024 * 1024;

const HEADER = 5;

/** Thrown when a request body is not valid gRPC framing (or uses compression, which we never negotiate). */
export class GrpcFrameError extends InternalError {
  constructor(message: string) {
    super(message);
  }
}

/** Frames one uncompressed message. */
export function encodeGrpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, HEADER);
  return out;
}

/** Incremental decoder: `push` chunks as they arrive, get whole messages back; `end` checks nothing is left over. */
export class GrpcFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessage = DEFAULT_MAX_GRPC_MESSAGE) {}

  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const flag = this.pending[offset];
      if (flag !== 0) {
        throw new GrpcFrameError(flag === 1 ? 'compressed gRPC message (no grpc-encoding was negotiated)' : `invalid gRPC compressed flag ${flag}`);
      }
      const length = this.pending.readUInt32BE(offset + 1);
      if (length > this.maxMessage) throw new GrpcFrameError(`gRPC message of ${length} bytes exceeds the ${this.maxMessage} byte limit`);
      if (this.pending.length - offset - HEADER < length) break;
      // Copy out, so the caller's message does not pin (or alias) the accumulation buffer.
      messages.push(Buffer.from(this.pending.subarray(offset + HEADER, offset + HEADER + length)));
      offset += HEADER + length;
    }
    this.pending = this.pending.subarray(offset);
    return messages;
  }

  /** Call when the stream's request side has ended; throws if a message was cut off. */
  end(): void {
    if (this.pending.length > 0) throw new GrpcFrameError(`gRPC stream ended inside a message (${this.pending.length} bytes left)`);
  }
}

/** gRPC status codes used by the session services (grpc/grpc doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  INTERNAL: 13,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
} as const;
export type GrpcStatus = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/**
 * `grpc-message` is percent-encoded: bytes outside printable ASCII 0x20–0x7E, and '%' itself, become %XX of
 * their UTF-8 bytes (gRPC over HTTP/2 spec, "Responses").
 */
export function encodeGrpcMessage(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
