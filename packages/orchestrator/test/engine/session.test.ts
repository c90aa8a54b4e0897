import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EngineConnection } from '../../src/engine/connect-engine';
import { readEngineResponse } from '../../src/engine/response-lines';
import * as grpc from '@grpc/grpc-js';
import { openBuildSession, SessionUpgradeError, type BuildSession, type SessionServices } from '../../src/session';
import { SessionMethod } from '../../src/session/session-methods';
import * as sessionServices from '../../src/session/session-services';
import { dockerfileTar } from '../support/dockerfile-tar';
import { engineFixture, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { pushImage, startRegistry, untag, type TestRegistry } from '../support/registry';


/**
 * Puts a tap on the session's grpc-js server (a server interceptor): records each call's path (with ms since the
 * tap was made) and, with `dropHealth`, answers Health/Check UNIMPLEMENTED like a session without a Health service
 * once the first secret has been served (so the build's first secret mount never races the first check).
 */
function tapSessionCalls(options: { dropHealth?: boolean } = {}) {
  const real = sessionServices.createSessionServer;
  const t0 = Date.now();
  const calls: Array<{ ms: number; path: string }> = [];
  const tap: grpc.ServerInterceptor = (method, call) => {
    calls.push({ ms: Date.now() - t0, path: method.path });
    const secretServed = calls.some((c) => c.path === SessionMethod.GetSecret);
    if (!options.dropHealth || method.path !== SessionMethod.HealthCheck || !secretServed) return new grpc.ServerInterceptingCall(call);
    // Never start the real handler; end the call with an error status instead.
    return new grpc.ServerInterceptingCall(call, {
      start: () => call.sendStatus({ code: grpc.status.UNIMPLEMENTED, details: 'health dropped by the test' }),
    });
  };
  const spy = jest.spyOn(sessionServices, 'createSessionServer').mockImplementation((services) => real(services, { interceptors: [tap] }));
  return { calls, restore: () => spy.mockRestore() };
}

interface BuildOutcome {
  /** All RUN output (stdout and stderr), concatenated in arrival order. */
  logs: string;
  /** The in-band error, if the build failed. */
  error?: string;
  /** Vertex errors from the trace. */
  vertexErrors: string[];
  imageId?: string;
  /** When the response started and ended (ms). */
  elapsedMs: number;
}

/** `POST /build?version=2&session=…&networkmode=none` with a tar body; reads the whole trace. */
async function buildWithSession(engine: EngineConnection, session: BuildSession | undefined, dockerfile: string, query: Record<string, unknown>): Promise<BuildOutcome> {
  const started = Date.now();
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    engine.docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        options: { version: '2', networkmode: 'none', nocache: true, ...(session ? { session: session.id } : {}), ...query },
        file: dockerfileTar(dockerfile),
        isStream: true,
        headers: { 'Content-Type': 'application/x-tar', Connection: 'close' },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res as IncomingMessage)),
    ),
  );
  const decoder = new TextDecoder();
  const outcome: BuildOutcome = { logs: '', vertexErrors: [], elapsedMs: 0 };
  for await (const message of readEngineResponse(response)) {
    if (message.kind === 'trace') {
      for (const log of message.status.logs) outcome.logs += decoder.decode(log.msg, { stream: true });
      for (const v of message.status.vertexes) if (v.error) outcome.vertexErrors.push(v.error);
    } else if (message.kind === 'error') outcome.error = message.message;
    else if (message.kind === 'image-id') outcome.imageId = message.imageId;
  }
  outcome.elapsedMs = Date.now() - started;
  return outcome;
}

describe('BuildKit sessions on the real engine', () => {
  let fx: EngineFixture;
  const sessions: BuildSession[] = [];
  const open = async (services: SessionServices) => {
    const s = await openBuildSession(fx.engine, services, { name: 'session-test' });
    sessions.push(s);
    return s;
  };
  const tag = (name: string) => `${fx.prefix}${name}:latest`;
  const labels = () => JSON.stringify(fx.labels);

  beforeAll(async () => {
    fx = await engineFixture();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('serves a build secret to RUN --mount=type=secret', async () => {
    const value = `tok-${randomBytes(8).toString('hex')}`;
    const session = await open({ secrets: { tok: value } });
    const result = await buildWithSession(fx.engine, session, [
      `FROM ${TEST_BASE_IMAGE}`,
      'RUN --mount=type=secret,id=tok cat /run/secrets/tok && echo',
      // An unknown optional secret is NOT_FOUND, which BuildKit skips: the file is just absent.
      'RUN --mount=type=secret,id=absent test ! -e /run/secrets/absent && echo absent-ok',
    ].join('\n') + '\n', { t: tag('secret'), labels: labels() });
    expect(result.error).toBeUndefined();
    expect(result.logs).toContain(value);
    expect(result.logs).toContain('absent-ok');
    expect(result.imageId).toMatch(/^sha256:/);
    await session.close();
    await session.close(); // idempotent
  });

  it('a required secret the session does not have fails the build', async () => {
    const session = await open({ secrets: {} });
    const result = await buildWithSession(fx.engine, session, [
      `FROM ${TEST_BASE_IMAGE}`,
      'RUN --mount=type=secret,id=missing,required=true cat /run/secrets/missing',
    ].join('\n') + '\n', { t: tag('required'), labels: labels() });
    expect(result.error).toMatch(/missing/);
    expect(result.error).toMatch(/not found/i);
  });

  it('keeps the session alive through a build longer than 15 s (Health/Check answered)', async () => {
    const first = `one-${randomBytes(6).toString('hex')}`;
    const second = `two-${randomBytes(6).toString('hex')}`;
    const tap = tapSessionCalls();
    try {
      const session = await open({ secrets: { first, second: Buffer.from(second) } });
      const result = await buildWithSession(fx.engine, session, [
        `FROM ${TEST_BASE_IMAGE}`,
        'RUN --mount=type=secret,id=first cat /run/secrets/first && echo',
        'RUN sleep 20',
        // Fetched from the session 20 s later: on 20.10 a session without Health is gone after ~1 s.
        'RUN --mount=type=secret,id=second cat /run/secrets/second && echo',
      ].join('\n') + '\n', { t: tag('long'), labels: labels() });
      expect(result.error).toBeUndefined();
      expect(result.elapsedMs).toBeGreaterThan(20_000);
      expect(result.logs).toContain(first);
      expect(result.logs).toContain(second);
      // The daemon kept checking health all along (every 1 s on 20.10, every 5 s on 23+).
      const checks = tap.calls.filter((c) => c.path === SessionMethod.HealthCheck);
      expect(checks.length).toBeGreaterThanOrEqual(3);
      expect(tap.calls.filter((c) => c.path === SessionMethod.GetSecret)).toHaveLength(2);
    } finally {
      tap.restore();
    }
  }, 120_000);

  it('control: a session that fails Health/Check is dropped by the daemon, and a later secret mount fails', async () => {
    // 20.10 drops it on the first failed check (1 s); BuildKit >= 0.10 after 2 failed checks 5 s apart.
    const tap = tapSessionCalls({ dropHealth: true });
    try {
      const session = await open({ secrets: { first: 'one', second: 'two' } });
      const result = await buildWithSession(fx.engine, session, [
        `FROM ${TEST_BASE_IMAGE}`,
        'RUN --mount=type=secret,id=first cat /run/secrets/first && echo',
        'RUN sleep 12',
        'RUN --mount=type=secret,id=second cat /run/secrets/second && echo',
      ].join('\n') + '\n', { t: tag('nohealth'), labels: labels() });
      expect(result.logs).toContain('one');
      expect(result.error).toMatch(/no active session/);
      expect(tap.calls.some((c) => c.path === SessionMethod.HealthCheck)).toBe(true);
    } finally {
      tap.restore();
    }
  }, 120_000);

  it('a refused upgrade rejects with the status and the engine message', async () => {
    const tooOld = { ...fx.engine, apiVersion: '1.0' };
    const error = await openBuildSession(tooOld, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionUpgradeError);
    expect((error as SessionUpgradeError).statusCode).toBe(400);
    expect((error as Error).message).toMatch(/^POST \/v1\.0\/session: HTTP 400: client version 1\.0 is too old/);
  });

  describe('registry credentials (Debian docker-registry with htpasswd)', () => {
    const user = { username: 'builder', password: `pw-${randomBytes(6).toString('hex')}` };
    let registry: TestRegistry;
    let ref: string;

    beforeAll(async () => {
      registry = await startRegistry({ htpasswd: user });
      ref = `${registry.host}/test/img:${fx.runId}`;
      await pushImage(fx.engine.docker, TEST_BASE_IMAGE, ref, user);
      // Only the registry has it now: the build must pull (and so authenticate).
      await untag(fx.engine.docker, ref);
      await expect(fx.engine.docker.getImage(ref).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });
    afterAll(async () => {
      await registry?.stop();
    });

    const dockerfile = () => `FROM ${ref}\nRUN echo pulled-ok\n`;

    it('without credentials for that host the pull fails with an auth error', async () => {
      const asked: string[] = [];
      // Credentials exist, but for another host only: they must not be offered to this registry.
      const session = await open({
        credentials: (host) => {
          asked.push(host);
          return host === 'registry.example:5000' ? { username: user.username, secret: user.password } : undefined;
        },
      });
      const result = await buildWithSession(fx.engine, session, dockerfile(), { t: tag('noauth'), labels: labels() });
      expect(asked).toContain(registry.host);
      expect(result.error).toMatch(/pulling from host 127\.0\.0\.1:\d+ failed .*401 Unauthorized/);
    });

    it('with the session serving credentials for 127.0.0.1:PORT the FROM pull succeeds', async () => {
      const asked: string[] = [];
      const session = await open({
        credentials: (host) => {
          asked.push(host);
          return host === registry.host ? { username: user.username, secret: user.password } : undefined;
        },
      });
      const result = await buildWithSession(fx.engine, session, dockerfile(), { t: tag('auth'), labels: labels() });
      expect(result.error).toBeUndefined();
      expect(result.logs).toContain('pulled-ok');
      expect(asked).toContain(registry.host);
      expect(asked.every((h) => h === registry.host)).toBe(true);
    });
  });
});
