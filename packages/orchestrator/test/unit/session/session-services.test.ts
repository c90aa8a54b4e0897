// The session's gRPC services driven by a real @grpc/grpc-js client over loopback TCP: `serveOn` (what
// openBuildSession runs after the 101) is the server, as it is for the daemon's client. No engine needed.
import { create, type DescService } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import {
  Auth,
  CredentialsRequestSchema,
  FetchTokenRequestSchema,
  GetTokenAuthorityRequestSchema,
  VerifyTokenAuthorityRequestSchema,
} from '../../../src/generated/buildkit/auth_pb';
import { GetSecretRequestSchema, Secrets } from '../../../src/generated/buildkit/secrets_pb';
import { Health, HealthCheckRequestSchema, HealthCheckResponse_ServingStatus } from '../../../src/generated/grpc/health_pb';
import type { BuildSession } from '../../../src/session/build-session';
import { grpcServiceDefinition, methodPath } from '../../../src/session/grpc-service';
import { serveOn } from '../../../src/session/serve-session';
import { SERVED_METHODS, SessionMethod } from '../../../src/session/session-methods';
import type { SessionServices } from '../../../src/session/session-services';

type UnaryMethod = (request: unknown, callback: (error: grpc.ServiceError | null, reply?: unknown) => void) => void;

/** A grpc-js client of `service` whose unary methods return promises. */
function clientOf(service: DescService, address: string) {
  const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(service), service.name);
  const client = new Client(address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, UnaryMethod>;
  const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) => client[method].call(client, request, (e, reply) => (e ? reject(e) : resolve(reply as T))));
  return { client, call };
}

/** A call with raw request bytes, as a daemon sending something we do not expect would make it. */
function rawCall(client: grpc.Client, path: string, body: Uint8Array): Promise<grpc.ServiceError | Buffer> {
  return new Promise((resolve) =>
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), (e, reply) => resolve(e ?? (reply as Buffer))),
  );
}

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('call succeeded'); }, (e: grpc.ServiceError) => e);

describe('session gRPC services (grpc-js client and server)', () => {
  let server: net.Server;
  let session: BuildSession;
  let serverSocket: net.Socket;
  let services: SessionServices;
  let address: string;
  const clients: grpc.Client[] = [];
  /** Every session served: a client whose connection was closed reconnects, and that session must end too. */
  const sessions: BuildSession[] = [];
  const connect = (service: DescService) => {
    const c = clientOf(service, address);
    clients.push(c.client);
    return c;
  };

  beforeEach(async () => {
    services = {};
    const accepted = new Promise<void>((resolve) => {
      // `services` is read per call, so each test can swap in its own. Every client below shares one
      // connection, because grpc-js pools channels to the same address.
      server = net.createServer((socket) => {
        const served = serveOn(socket, 'test-session', {
          credentials: (host) => services.credentials?.(host),
          get secrets() {
            return services.secrets;
          },
        });
        sessions.push(served);
        if (sessions.length === 1) {
          session = served;
          serverSocket = socket;
          resolve();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const health = connect(Health);
    // The first call opens the connection.
    await health.call('check', create(HealthCheckRequestSchema));
    await accepted;
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('announces Health, Auth/Credentials and Secrets/GetSecret', () => {
    expect(SERVED_METHODS).toEqual(['/grpc.health.v1.Health/Check', '/moby.filesync.v1.Auth/Credentials', '/moby.buildkit.secrets.v1.Secrets/GetSecret']);
  });

  it('the method paths it names are those of the generated services', () => {
    expect(SessionMethod).toEqual({
      HealthCheck: methodPath(Health.method.check),
      Credentials: methodPath(Auth.method.credentials),
      GetTokenAuthority: methodPath(Auth.method.getTokenAuthority),
      GetSecret: methodPath(Secrets.method.getSecret),
    });
  });

  it('Health/Check answers SERVING, whatever service is asked about', async () => {
    const { call } = connect(Health);
    for (const service of ['', 'anything']) {
      expect(await call('check', create(HealthCheckRequestSchema, { service }))).toMatchObject({ status: HealthCheckResponse_ServingStatus.SERVING });
    }
  });

  it('Auth/Credentials asks the callback per host, every time, and answers only that host', async () => {
    const asked: string[] = [];
    services = {
      credentials: async (host) => {
        asked.push(host);
        return host === 'registry.example:5000' ? { username: 'robot', secret: 's3cret' } : undefined;
      },
    };
    const { call } = connect(Auth);
    const credentials = (host: string) => call('credentials', create(CredentialsRequestSchema, { Host: host }));
    expect(await credentials('registry.example:5000')).toMatchObject({ Username: 'robot', Secret: 's3cret' });
    expect(await credentials('registry-1.docker.io')).toMatchObject({ Username: '', Secret: '' }); // anonymous
    await credentials('registry.example:5000');
    expect(asked).toEqual(['registry.example:5000', 'registry-1.docker.io', 'registry.example:5000']);
  });

  it('without a credentials callback every host is anonymous', async () => {
    const { call } = connect(Auth);
    expect(await call('credentials', create(CredentialsRequestSchema, { Host: 'ghcr.io' }))).toMatchObject({ Username: '', Secret: '' });
  });

  it('a failing callback is INTERNAL, and its message (which may quote a secret) is not passed on', async () => {
    services = {
      credentials: () => {
        throw new Error('could not parse password hunter2');
      },
    };
    const { call } = connect(Auth);
    const error = await failure(call('credentials', create(CredentialsRequestSchema, { Host: 'ghcr.io' })));
    expect(error).toMatchObject({ code: grpc.status.INTERNAL, details: 'credentials lookup for ghcr.io failed' });
    expect(error.message).not.toContain('hunter2');
    services = { credentials: () => ({ username: 'u' }) as never };
    expect(await failure(call('credentials', create(CredentialsRequestSchema, { Host: 'ghcr.io' })))).toMatchObject({
      code: grpc.status.INTERNAL,
      details: 'credentials for ghcr.io are not {username, secret} strings',
    });
  });

  it('Auth/GetTokenAuthority is UNIMPLEMENTED (BuildKit then falls back to Credentials), and so are FetchToken and VerifyTokenAuthority', async () => {
    const { call } = connect(Auth);
    expect(await failure(call('getTokenAuthority', create(GetTokenAuthorityRequestSchema, { Host: 'ghcr.io' })))).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: 'token authority not supported; use Credentials',
    });
    expect(await failure(call('fetchToken', create(FetchTokenRequestSchema, { Host: 'ghcr.io' })))).toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    expect(await failure(call('verifyTokenAuthority', create(VerifyTokenAuthorityRequestSchema, { Host: 'ghcr.io' })))).toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it('Secrets/GetSecret returns the bytes of a known id and NOT_FOUND otherwise', async () => {
    services = { secrets: { tok: 'välue', bin: Buffer.from([0, 1, 2]) } };
    const { call } = connect(Secrets);
    const get = (id: string, annotations: Record<string, string> = {}) => call<{ data: Uint8Array }>('getSecret', create(GetSecretRequestSchema, { ID: id, annotations }));
    expect(Buffer.from((await get('tok', { a: 'b' })).data).toString('utf8')).toBe('välue');
    expect([...(await get('bin')).data]).toEqual([0, 1, 2]);
    for (const id of ['nope', 'toString', '__proto__', 'constructor']) {
      expect(await failure(get(id))).toMatchObject({ code: grpc.status.NOT_FOUND, details: `secret ${id} not found` });
    }
    services = {};
    expect(await failure(get('tok'))).toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('unknown methods (FileSync, SSH, Health/Watch, anything) are UNIMPLEMENTED', async () => {
    const { client } = connect(Health);
    for (const path of ['/moby.filesync.v1.FileSync/DiffCopy', '/moby.sshforward.v1.SSH/CheckAgent', '/grpc.health.v1.Health/Watch', '/nope']) {
      expect(await rawCall(client, path, Buffer.from([0x0a, 0x01, 0x78]))).toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    }
  });

  it('a request that is not valid protobuf gets an error status, and the connection keeps serving', async () => {
    const { client, call } = connect(Auth);
    // Field 1 claims 9 bytes but only 1 follows.
    const bad = await rawCall(client, SessionMethod.Credentials, Uint8Array.of(0x0a, 0x09, 0x61));
    expect(bad).toMatchObject({ code: grpc.status.INTERNAL });
    expect(await call('credentials', create(CredentialsRequestSchema, { Host: 'ghcr.io' }))).toMatchObject({ Username: '' });
  });

  it('serves concurrent calls independently', async () => {
    services = { secrets: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, `v${i}`])) };
    const { call } = connect(Secrets);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => call<{ data: Uint8Array }>('getSecret', create(GetSecretRequestSchema, { ID: `s${i}` }))));
    replies.forEach((r, i) => expect(Buffer.from(r.data).toString()).toBe(`v${i}`));
  });

  it('close() lets an in-flight call finish, then closes the connection; calling it again is harmless', async () => {
    let release: () => void = () => undefined;
    services = { credentials: () => new Promise((resolve) => (release = () => resolve({ username: 'late', secret: 'reply' }))) };
    const { call } = connect(Auth);
    const inFlight = call('credentials', create(CredentialsRequestSchema, { Host: 'ghcr.io' }));
    await new Promise((r) => setTimeout(r, 50));
    const socketClosed = new Promise<void>((resolve) => serverSocket.once('close', () => resolve()));
    const closing = session.close();
    setTimeout(() => release(), 100);
    expect(await inFlight).toMatchObject({ Username: 'late', Secret: 'reply' });
    // The channel would reconnect once the server has gone: close it first, as the daemon ends its side.
    clients.splice(0).forEach((c) => c.close());
    await closing;
    await socketClosed;
    await session.close();
  });

  it('close() is quick with no call in flight', async () => {
    const t0 = Date.now();
    await session.close();
    expect(Date.now() - t0).toBeLessThan(500); // no stream open: no waiting for the grace period
    expect(serverSocket.destroyed).toBe(true);
  });

  it('close() resolves when the peer already went away', async () => {
    clients.splice(0).forEach((c) => c.close());
    await new Promise((r) => setTimeout(r, 50));
    await session.close();
  });
});
