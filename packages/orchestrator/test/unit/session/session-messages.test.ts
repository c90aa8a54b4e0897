import { ProtobufReader } from '../../../src/engine/protobuf-reader';
import {
  decodeCredentialsRequest,
  decodeGetSecretRequest,
  decodeHealthCheckRequest,
  encodeCredentialsResponse,
  encodeGetSecretResponse,
  encodeHealthCheckResponse,
  ProtobufWriter,
  ServingStatus,
  varint,
} from '../../../src/session/session-messages';
import { field } from '../engine/protobuf-writer';

const bytes = (parts: number[][]) => Uint8Array.from(parts.flat());

describe('session protobuf messages', () => {
  it('varint matches the wire format', () => {
    expect([...varint(0)]).toEqual([0]);
    expect([...varint(1)]).toEqual([1]);
    expect([...varint(127)]).toEqual([0x7f]);
    expect([...varint(128)]).toEqual([0x80, 0x01]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(2 ** 32)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(new ProtobufReader(varint(Number.MAX_SAFE_INTEGER)).varint()).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => varint(-1)).toThrow(RangeError);
    expect(() => varint(1.5)).toThrow(RangeError);
  });

  it('the writer omits proto3 defaults and handles long fields', () => {
    expect(new ProtobufWriter().string(1, '').bytes(2, new Uint8Array(0)).uint(3, 0).finish().length).toBe(0);
    const long = 'x'.repeat(200);
    expect([...new ProtobufWriter().string(1, long).finish()]).toEqual(field.string(1, long));
    expect([...new ProtobufWriter().uint(20, 5).finish()]).toEqual(field.varint(20, 5));
  });

  describe('grpc.health.v1', () => {
    it('HealthCheckResponse{SERVING} is 08 01', () => {
      expect([...encodeHealthCheckResponse()]).toEqual([0x08, 0x01]);
      expect([...encodeHealthCheckResponse(ServingStatus.NOT_SERVING)]).toEqual([0x08, 0x02]);
    });
    it('decodes HealthCheckRequest, empty or named, skipping unknown fields', () => {
      expect(decodeHealthCheckRequest(new Uint8Array(0))).toEqual({ service: '' });
      expect(decodeHealthCheckRequest(bytes([field.varint(7, 3), field.string(1, 'svc'), field.fixed32(9)]))).toEqual({ service: 'svc' });
    });
  });

  describe('moby.filesync.v1.Auth', () => {
    it('decodes CredentialsRequest{Host=1}', () => {
      expect(decodeCredentialsRequest(bytes([field.string(1, '127.0.0.1:5000')]))).toEqual({ host: '127.0.0.1:5000' });
      expect(decodeCredentialsRequest(bytes([field.fixed64(4), field.string(1, 'registry-1.docker.io'), field.varint(5, 1)]))).toEqual({
        host: 'registry-1.docker.io',
      });
    });
    it('rejects a Host with the wrong wire type instead of misreading it', () => {
      expect(() => decodeCredentialsRequest(bytes([field.varint(1, 5)]))).toThrow(/wire type 0, expected 2/);
      expect(() => decodeCredentialsRequest(Uint8Array.of(0x0a, 0x05, 0x61))).toThrow(/exceeds message/);
    });
    it('encodes CredentialsResponse{Username=1, Secret=2}; undefined is the empty (anonymous) message', () => {
      expect([...encodeCredentialsResponse({ username: 'u', secret: 'pä' })]).toEqual([...field.string(1, 'u'), ...field.string(2, 'pä')]);
      expect([...encodeCredentialsResponse({ username: '', secret: 'identity-token' })]).toEqual(field.string(2, 'identity-token'));
      expect(encodeCredentialsResponse(undefined).length).toBe(0);
    });
  });

  describe('moby.buildkit.secrets.v1.Secrets', () => {
    it('decodes GetSecretRequest{ID=1, annotations=2 map}', () => {
      const req = bytes([
        field.string(1, 'tok'),
        field.message(2, [field.string(1, 'k1'), field.string(2, 'v1')]),
        field.message(2, [field.string(2, 'only-value'), field.varint(3, 1)]),
        field.varint(15, 1),
      ]);
      const got = decodeGetSecretRequest(req);
      expect(got.id).toBe('tok');
      expect({ ...got.annotations }).toEqual({ k1: 'v1', '': 'only-value' });
    });
    it('an annotation key like __proto__ stays plain data', () => {
      const got = decodeGetSecretRequest(bytes([field.message(2, [field.string(1, '__proto__'), field.string(2, 'x')])]));
      expect(Object.keys(got.annotations)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
    it('encodes GetSecretResponse{data=1} with arbitrary bytes', () => {
      const data = Uint8Array.from([0, 1, 2, 0xff, 0x0a]);
      expect([...encodeGetSecretResponse(data)]).toEqual(field.bytes(1, [...data]));
      const view = Buffer.from([9, 9, 1, 2, 3, 9]).subarray(2, 5);
      expect([...encodeGetSecretResponse(view)]).toEqual([0x0a, 3, 1, 2, 3]);
    });
  });
});
