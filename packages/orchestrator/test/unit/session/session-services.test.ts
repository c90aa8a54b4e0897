// The session's gRPC services over a real HTTP/2 connection on loopback: node:http2 plays the daemon's gRPC
// client, `serveOn` (what openBuildSession runs after the 101) is the server. No engine needed.
import http2 from 'node:http2';
import net from 'node:net';
import { encodeGrpcFrame, GrpcFrameDecoder } from '../../../src/session/grpc-frame';
import { serveOn, type BuildSession } from '../../../src/session/build-session';
import { SERVED_METHODS, SessionMethod, type SessionServices } from '../../../src/session/session-services';
import { field } from '../engine/protobuf-writer';

interface Reply {
  httpStatus: number;
  contentType?: string;
  grpcStatus: number;
  grpcMessage?: string;
  messages: Buffer[];
  /** grpc-status arrived in the response headers (trailers-only reply) rather than trailers. */
  trailersOnly: boolean;
}

function call(client: http2.ClientHttp2Session, path: string, body: Uint8Array): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    const decoder = new GrpcFrameDecoder();
    const messages: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => (headers = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (c: Buffer) => messages.push(...decoder.push(c)));
    req.on('error', reject);
    req.on('close', () => {
      const status = trailers['grpc-status'] ?? headers['grpc-status'];
      const message = trailers['grpc-message'] ?? headers['grpc-message'];
      resolve({
        httpStatus: Number(headers[':status']),
        contentType: headers['content-type'] as string | undefined,
        grpcStatus: Number(status),
        grpcMessage: message === undefined ? undefined : decodeURIComponent(String(message)),
        messages,
        trailersOnly: headers['grpc-status'] !== undefined,
      });
    });
    req.end(body);
  });
}

const frame = (parts: number[][]) => encodeGrpcFrame(Uint8Array.from(parts.flat()));

describe('session gRPC services over HTTP/2', () => {
  let server: net.Server;
  let client: http2.ClientHttp2Session;
  let session: BuildSession;
  let services: SessionServices;

  beforeEach(async () => {
    services = {};
    const accepted = new Promise<BuildSession>((resolve) => {
      // `services` is read per call, so each test can swap in its own.
      server = net.createServer((socket) =>
        resolve(
          serveOn(socket, 'test-session', {
            credentials: (host) => services.credentials?.(host),
            get secrets() {
              return services.secrets;
            },
          }),
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = http2.connect(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    client.on('error', () => undefined);
    session = await accepted;
  });
  afterEach(async () => {
    await session.close();
    client.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('announces Health, Auth/Credentials and Secrets/GetSecret', () => {
    expect(SERVED_METHODS).toEqual(['/grpc.health.v1.Health/Check', '/moby.filesync.v1.Auth/Credentials', '/moby.buildkit.secrets.v1.Secrets/GetSecret']);
  });

  it('Health/Check answers SERVING (08 01) with grpc-status 0 trailers', async () => {
    const reply = await call(client, SessionMethod.HealthCheck, encodeGrpcFrame(new Uint8Array(0)));
    expect(reply).toMatchObject({ httpStatus: 200, contentType: 'application/grpc', grpcStatus: 0, trailersOnly: false });
    expect(reply.messages.map((m) => [...m])).toEqual([[0x08, 0x01]]);
  });

  it('Auth/Credentials asks the callback per host, every time, and answers only that host', async () => {
    const asked: string[] = [];
    services = {
      credentials: async (host) => {
        asked.push(host);
        return host === 'registry.example:5000' ? { username: 'robot', secret: 's3cret' } : undefined;
      },
    };
    const forHost = await call(client, SessionMethod.Credentials, frame([field.string(1, 'registry.example:5000')]));
    expect(forHost.grpcStatus).toBe(0);
    expect(forHost.messages.map((m) => [...m])).toEqual([[...field.string(1, 'robot'), ...field.string(2, 's3cret')]]);
    const other = await call(client, SessionMethod.Credentials, frame([field.string(1, 'registry-1.docker.io')]));
    expect(other.grpcStatus).toBe(0);
    expect(other.messages.map((m) => m.length)).toEqual([0]); // empty message: anonymous
    await call(client, SessionMethod.Credentials, frame([field.string(1, 'registry.example:5000')]));
    expect(asked).toEqual(['registry.example:5000', 'registry-1.docker.io', 'registry.example:5000']);
  });

  it('without a credentials callback every host is anonymous', async () => {
    const reply = await call(client, SessionMethod.Credentials, frame([field.string(1, 'ghcr.io')]));
    expect(reply.grpcStatus).toBe(0);
    expect(reply.messages.map((m) => m.length)).toEqual([0]);
  });

  it('a failing callback is INTERNAL, and its message (which may quote a secret) is not passed on', async () => {
    services = {
      credentials: () => {
        throw new Error('could not parse password hunter2');
      },
    };
    const reply = await call(client, SessionMethod.Credentials, frame([field.string(1, 'ghcr.io')]));
    expect(reply).toMatchObject({ grpcStatus: 13, trailersOnly: true, messages: [] });
    expect(reply.grpcMessage).toBe('credentials lookup for ghcr.io failed');
    services = { credentials: () => ({ username: 'u' }) as never };
    expect((await call(client, SessionMethod.Credentials, frame([field.string(1, 'ghcr.io')]))).grpcStatus).toBe(13);
  });

  it('Auth/GetTokenAuthority is UNIMPLEMENTED (BuildKit then falls back to Credentials)', async () => {
    const reply = await call(client, SessionMethod.GetTokenAuthority, frame([field.string(1, 'ghcr.io')]));
    expect(reply).toMatchObject({ httpStatus: 200, grpcStatus: 12, trailersOnly: true, messages: [] });
  });

  it('Secrets/GetSecret returns the bytes of a known id and NOT_FOUND otherwise', async () => {
    services = { secrets: { tok: 'välue', bin: Buffer.from([0, 1, 2]) } };
    const tok = await call(client, SessionMethod.GetSecret, frame([field.string(1, 'tok'), field.message(2, [field.string(1, 'a'), field.string(2, 'b')])]));
    expect(tok.grpcStatus).toBe(0);
    expect(tok.messages.map((m) => [...m])).toEqual([field.bytes(1, [...Buffer.from('välue')])]);
    const bin = await call(client, SessionMethod.GetSecret, frame([field.string(1, 'bin')]));
    expect(bin.messages.map((m) => [...m])).toEqual([field.bytes(1, [0, 1, 2])]);
    for (const id of ['nope', 'toString', '__proto__', 'constructor']) {
      const reply = await call(client, SessionMethod.GetSecret, frame([field.string(1, id)]));
      expect(reply).toMatchObject({ grpcStatus: 5, trailersOnly: true, grpcMessage: `secret ${id} not found` });
    }
    services = {};
    expect((await call(client, SessionMethod.GetSecret, frame([field.string(1, 'tok')]))).grpcStatus).toBe(5);
  });

  it('unknown methods (FileSync, SSH, anything) are UNIMPLEMENTED', async () => {
    for (const path of ['/moby.filesync.v1.FileSync/DiffCopy', '/moby.sshforward.v1.SSH/CheckAgent', '/grpc.health.v1.Health/Watch', '/nope']) {
      const reply = await call(client, path, frame([field.string(1, 'x')]));
      expect(reply).toMatchObject({ grpcStatus: 12, grpcMessage: `unknown method ${path}` });
    }
  });

  it('malformed requests get an error status, and the connection keeps serving', async () => {
    const compressed = Uint8Array.of(1, 0, 0, 0, 0);
    expect((await call(client, SessionMethod.HealthCheck, compressed)).grpcStatus).toBe(13);
    const cut = encodeGrpcFrame(Buffer.from('abc')).subarray(0, 6);
    expect((await call(client, SessionMethod.HealthCheck, cut)).grpcStatus).toBe(3);
    const twoMessages = Buffer.concat([encodeGrpcFrame(new Uint8Array(0)), encodeGrpcFrame(new Uint8Array(0))]);
    expect((await call(client, SessionMethod.HealthCheck, twoMessages)).grpcStatus).toBe(12);
    expect((await call(client, SessionMethod.HealthCheck, new Uint8Array(0))).grpcStatus).toBe(12);
    const badProtobuf = encodeGrpcFrame(Uint8Array.of(0x0a, 0x09, 0x61));
    const bad = await call(client, SessionMethod.Credentials, badProtobuf);
    expect(bad.grpcStatus).toBe(3);
    expect(bad.grpcMessage).toMatch(/exceeds message/);
    expect((await call(client, SessionMethod.HealthCheck, encodeGrpcFrame(new Uint8Array(0)))).grpcStatus).toBe(0);
  });

  it('serves concurrent calls independently', async () => {
    services = { secrets: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, `v${i}`])) };
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => call(client, SessionMethod.GetSecret, frame([field.string(1, `s${i}`)]))));
    replies.forEach((r, i) => expect(r.messages[0].subarray(2).toString()).toBe(`v${i}`));
  });

  it('close() sends GOAWAY and closes the connection; calling it again is harmless', async () => {
    const goaway = new Promise<number>((resolve) => client.once('goaway', (code) => resolve(code)));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const t0 = Date.now();
    await session.close();
    expect(Date.now() - t0).toBeLessThan(500); // no stream open: no waiting for the grace period
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await closed;
    await session.close();
  });

  it('close() resolves when the peer already went away', async () => {
    client.destroy();
    await new Promise((r) => setTimeout(r, 20));
    await session.close();
  });
});
