// Protobuf codecs for the few messages a BuildKit session serves. Written from the field numbers and types of
// grpc/health/v1 health.proto and moby/buildkit session/{auth,secrets}/*.proto (interface facts only, no copied
// .proto text). Every field here is a string, bytes, an enum or a map<string,string>, so a tiny writer is enough;
// decoding uses the shared reader and skips unknown fields, so newer daemons adding fields keep working.

import { ProtobufReader, WireType } from '../engine/protobuf-reader';

/** grpc.health.v1.HealthCheckResponse.ServingStatus */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export type ServingStatus = (typeof ServingStatus)[keyof typeof ServingStatus];

/** Builds one message. Proto3 defaults (empty string/bytes, 0) are omitted, as every proto3 encoder does. */
export class ProtobufWriter {
  private readonly parts: Buffer[] = [];

  /** `string` field (UTF-8) */
  string(field: number, value: string): this {
    return value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** `bytes` or embedded-message field */
  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    this.parts.push(varint(field * 8 + WireType.LengthDelimited), varint(value.length), Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    return this;
  }

  /** `enum`, `bool`, non-negative `int32`/`int64`/`uint*` field */
  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.parts.push(varint(field * 8 + WireType.Varint), varint(value));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Unsigned base-128 varint of a non-negative safe integer. */
export function varint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: ${value} is not a non-negative safe integer`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

// --- grpc.health.v1.Health/Check -------------------------------------------------------------------------

/** HealthCheckRequest { string service = 1; } */
export function decodeHealthCheckRequest(bytes: Uint8Array): { service: string } {
  const out = { service: '' };
  const r = new ProtobufReader(bytes);
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === 1) {
      r.expect(tag, WireType.LengthDelimited);
      out.service = r.string();
    } else r.skip(tag.wireType);
  }
  return out;
}

/** HealthCheckResponse { ServingStatus status = 1; } — SERVING is the two bytes 08 01. */
export function encodeHealthCheckResponse(status: ServingStatus = ServingStatus.SERVING): Buffer {
  return new ProtobufWriter().uint(1, status).finish();
}

// --- moby.filesync.v1.Auth/Credentials -----------------------------------------------------------------

/** CredentialsRequest { string Host = 1; } */
export function decodeCredentialsRequest(bytes: Uint8Array): { host: string } {
  const out = { host: '' };
  const r = new ProtobufReader(bytes);
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === 1) {
      r.expect(tag, WireType.LengthDelimited);
      out.host = r.string();
    } else r.skip(tag.wireType);
  }
  return out;
}

/** CredentialsResponse { string Username = 1; string Secret = 2; } — both empty means anonymous. */
export function encodeCredentialsResponse(credentials: { username: string; secret: string } | undefined): Buffer {
  if (!credentials) return Buffer.alloc(0);
  return new ProtobufWriter().string(1, credentials.username).string(2, credentials.secret).finish();
}

// --- moby.buildkit.secrets.v1.Secrets/GetSecret --------------------------------------------------------

/** GetSecretRequest { string ID = 1; map<string,string> annotations = 2; } */
export function decodeGetSecretRequest(bytes: Uint8Array): { id: string; annotations: Record<string, string> } {
  const out = { id: '', annotations: Object.create(null) as Record<string, string> };
  const r = new ProtobufReader(bytes);
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === 1) {
      r.expect(tag, WireType.LengthDelimited);
      out.id = r.string();
    } else if (tag.field === 2) {
      // A map entry is a nested message { key = 1; value = 2; }.
      r.expect(tag, WireType.LengthDelimited);
      const entry = r.message();
      let key = '';
      let value = '';
      while (!entry.done) {
        const t = entry.tag();
        if (t.field === 1 && t.wireType === WireType.LengthDelimited) key = entry.string();
        else if (t.field === 2 && t.wireType === WireType.LengthDelimited) value = entry.string();
        else entry.skip(t.wireType);
      }
      out.annotations[key] = value;
    } else r.skip(tag.wireType);
  }
  return out;
}

/** GetSecretResponse { bytes data = 1; } */
export function encodeGetSecretResponse(data: Uint8Array): Buffer {
  return new ProtobufWriter().bytes(1, data).finish();
}
