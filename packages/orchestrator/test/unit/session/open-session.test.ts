// openBuildSession against a stand-in engine on a unix socket: checks the exact HTTP/1.1 upgrade request
// (no chunked body, one header line per method), then plays the daemon's HTTP/2 client on the upgraded socket.
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineConnection } from '../../../src/engine/connect-engine';
import { openBuildSession, SessionUpgradeError } from '../../../src/session';

interface FakeEngine {
  engine: EngineConnection;
  /** Raw bytes of each request, up to and including the blank line, plus whatever followed before our reply. */
  requests: Buffer[];
  sockets: net.Socket[];
  close(): Promise<void>;
}

async function fakeEngine(answer: (socket: net.Socket, request: Buffer) => void, transport: 'unix' | 'tcp' = 'unix'): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'session-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      // Give a (wrong) chunked terminator or body a moment to arrive, so the test would see it.
      setTimeout(() => {
        const rest = socket.read() as Buffer | null;
        const request = Buffer.concat([buf, rest ?? Buffer.alloc(0)]);
        requests.push(request);
        answer(socket, request);
      }, 50);
    };
    socket.on('data', onData);
  });
  let modem: object;
  let address: string;
  if (transport === 'unix') {
    await new Promise<void>((r) => server.listen(socketPath, r));
    modem = { socketPath };
    address = `unix://${socketPath}`;
  } else {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    modem = { host: '127.0.0.1', port, protocol: 'http' };
    address = `tcp://127.0.0.1:${port}`;
  }
  return {
    engine: { docker: { modem } as unknown as EngineConnection['docker'], address, apiVersion: '1.41' },
    requests,
    sockets,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('openBuildSession', () => {
  let fake: FakeEngine | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('sends the upgrade request without a body, then serves gRPC on the upgraded connection', async () => {
    let client: http2.ClientHttp2Session | undefined;
    fake = await fakeEngine((socket) => {
      // The daemon's HTTP/2 client may write its preface right behind the 101, so it arrives in the same read as
      // the response headers (the upgrade `head`). Reproduce that: the client's first bytes are held back and
      // written together with the 101.
      const held: Buffer[] = [];
      let released = false;
      const pipe = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, cb) {
          if (released) socket.write(chunk, cb);
          else {
            held.push(chunk);
            cb();
          }
        },
        destroy(err, cb) {
          socket.destroy();
          cb(err);
        },
      });
      socket.on('data', (c: Buffer) => pipe.push(c));
      socket.on('close', () => pipe.destroy());
      socket.resume();
      client = http2.connect('http://localhost', { createConnection: () => pipe });
      client.on('error', () => undefined);
      setTimeout(() => {
        released = true;
        expect(held.length).toBeGreaterThan(0);
        socket.write(Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'), ...held]));
      }, 20);
    });
    const session = await openBuildSession(fake.engine, { secrets: { tok: 'v' } }, { name: 'ctx', sharedKey: 'key-1' });

    const raw = fake.requests[0].toString('latin1');
    const [head, after] = raw.split('\r\n\r\n');
    expect(after).toBe(''); // no body, no chunked terminator
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('POST /v1.41/session HTTP/1.1');
    const headers = lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
    const values = (name: string) => headers.filter(([k]) => k === name).map(([, v]) => v);
    expect(values('connection')).toEqual(['Upgrade']);
    expect(values('upgrade')).toEqual(['h2c']);
    expect(values('content-length')).toEqual(['0']);
    expect(values('transfer-encoding')).toEqual([]);
    expect(values('x-docker-expose-session-uuid')).toEqual([session.id]);
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(values('x-docker-expose-session-name')).toEqual(['ctx']);
    expect(values('x-docker-expose-session-sharedkey')).toEqual(['key-1']);
    expect(values('x-docker-expose-session-grpc-method')).toEqual([
      '/grpc.health.v1.Health/Check',
      '/moby.filesync.v1.Auth/Credentials',
      '/moby.buildkit.secrets.v1.Secrets/GetSecret',
    ]);

    // The "daemon" calls Health over the upgraded socket.
    const reply = await new Promise<{ status?: string; body: Buffer }>((resolve, reject) => {
      const req = client!.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
      const chunks: Buffer[] = [];
      let status: string | undefined;
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('trailers', (t) => (status = String(t['grpc-status'])));
      req.on('error', reject);
      req.on('close', () => resolve({ status, body: Buffer.concat(chunks) }));
      // One uncompressed gRPC message of 0 bytes: an empty HealthCheckRequest.
      req.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    expect(reply.status).toBe('0');
    expect([...reply.body]).toEqual([0, 0, 0, 0, 2, 0x08, 0x01]); // status = SERVING

    const clientClosed = new Promise<void>((r) => client!.once('close', () => r()));
    await session.close();
    await clientClosed;
  });

  it('a refused upgrade rejects with the HTTP status and the engine message', async () => {
    fake = await fakeEngine((socket) => {
      const body = JSON.stringify({ message: 'session abc already exists' });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const error = await openBuildSession(fake.engine, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionUpgradeError);
    expect(error).toMatchObject({ statusCode: 400, message: 'POST /v1.41/session: HTTP 400: session abc already exists' });
  });

  it('works over tcp:// engines too', async () => {
    fake = await fakeEngine((socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'), 'tcp');
    const session = await openBuildSession(fake.engine, {});
    expect(fake.requests[0].toString('latin1')).toMatch(/^POST \/v1\.41\/session HTTP\/1\.1\r\n[^]*\r\nHost: 127\.0\.0\.1:\d+\r\n/i);
    await session.close();
  });

  it('a 101 to another protocol is refused', async () => {
    fake = await fakeEngine((socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'));
    await expect(openBuildSession(fake.engine, {})).rejects.toThrow(/expected 101 Upgrade: h2c, got 101 Upgrade: websocket/);
  });

  it('times out when the engine never answers', async () => {
    fake = await fakeEngine(() => undefined);
    await expect(openBuildSession(fake.engine, {}, { timeoutMs: 300 })).rejects.toThrow(/no 101 from unix:\/\/.* within 300 ms/);
  });

  it('an unreachable socket rejects with an environment error naming the engine (not a refused session)', async () => {
    const engine = { docker: { modem: { socketPath: '/nonexistent/docker.sock' } }, address: 'unix:///nonexistent/docker.sock', apiVersion: '1.41' } as unknown as EngineConnection;
    const error = await openBuildSession(engine, {}).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SessionUpgradeError);
    expect(error).toMatchObject({ kind: 'environment', where: 'engine unix:///nonexistent/docker.sock' });
    expect((error as Error).message).toMatch(/opening a BuildKit session \(POST \/v1\.41\/session\): ENOENT/);
  });

  it('ssh engines are refused explicitly', async () => {
    const engine = { docker: { modem: { host: 'h', port: 22, protocol: 'ssh' } }, address: 'ssh://h', apiVersion: '1.41' } as unknown as EngineConnection;
    await expect(openBuildSession(engine, {})).rejects.toThrow(/ssh:\/\/ engine connections are not supported/);
  });
});
