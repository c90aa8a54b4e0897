// A BuildKit session served by us over the Engine API: `POST /session` upgraded to h2c, after which the daemon is
// the HTTP/2 (gRPC) client and we are the server on that same connection (serve-session.ts).
//
// The request is written with node:http rather than docker-modem: modem's hijack mode sends the body chunked,
// and the chunked terminator `0\r\n\r\n` would reach the daemon's HTTP/2 client after the upgrade and corrupt
// the stream ("http2: frame too large").

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import type { EngineConnection } from '../engine/connect-engine';
import { engineError } from '../engine/engine-error';
import { plainRequest } from '../engine/plain-http';
import { EnvironmentError } from '../errors/fragments-error';
import { systemErrorCode } from '../errors/system-error';
import { SERVED_METHODS } from './session-methods';
import type { BuildSession } from './serve-session';
import type { SessionServices } from './session-services';

export type { BuildSession };

export interface BuildSessionOptions {
  /** `X-Docker-Expose-Session-Name` (informational). Default `fragments`. */
  name?: string;
  /** `X-Docker-Expose-Session-Sharedkey`: cache hint for local (FileSync) sources, which we do not serve. Default: the id. */
  sharedKey?: string;
  /** How long to wait for the daemon's `101 Switching Protocols`. Default 30 s. */
  timeoutMs?: number;
}

/** Engine answered `/session` with something other than 101 (it runs, but will not serve a session). */
export class SessionUpgradeError extends EnvironmentError {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/**
 * Opens a session on the engine and serves Health (mandatory: Engine 20.10 drops a session on its first failed
 * 1 s health check), registry credentials (per host) and build secrets. Resolves once the daemon has switched
 * protocols; the session exists on the daemon from then on. Keep it open until the build's response ends.
 */
export async function openBuildSession(
  engine: EngineConnection,
  services: SessionServices,
  options: BuildSessionOptions = {},
): Promise<BuildSession> {
  const id = randomUUID();
  const socket = await upgradeToH2c(engine, {
    Connection: 'Upgrade',
    Upgrade: 'h2c',
    'Content-Length': '0',
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': options.name ?? 'fragments',
    'X-Docker-Expose-Session-Sharedkey': options.sharedKey ?? id,
    // An array makes node:http write one header line per method, which is what the daemon reads.
    'X-Docker-Expose-Session-Grpc-Method': [...SERVED_METHODS],
  }, options.timeoutMs ?? 30_000);
  // Loaded here, not at the top: grpc-js and the protobuf runtime add ~0.2 s of CPU to every CLI start, and only
  // a build that opens a session needs them.
  const { serveOn } = await import('./serve-session');
  return serveOn(socket, id, services);
}

async function upgradeToH2c(engine: EngineConnection, headers: http.OutgoingHttpHeaders, timeoutMs: number): Promise<Socket> {
  const path = `/v${engine.apiVersion}/session`;
  const request = await sessionRequest(engine, { method: 'POST', path, headers, agent: false as const });

  return new Promise<Socket>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(e);
    };
    request.setTimeout(timeoutMs, () => fail(new SessionUpgradeError(`POST ${path}: no 101 from ${engine.address} within ${timeoutMs} ms`)));
    // An engine that does not answer at all is not one that refuses sessions: that is the engine failing.
    request.on('error', (e) => fail(systemErrorCode(e) ? (engineError(engine, e, `opening a BuildKit session (POST ${path})`) as Error) : new SessionUpgradeError(`POST ${path} on ${engine.address}: ${e.message}`)));
    request.on('upgrade', (res, socket, head) => {
      if (settled) return void socket.destroy();
      const protocol = String(res.headers.upgrade ?? '').toLowerCase();
      if (res.statusCode !== 101 || protocol !== 'h2c') {
        socket.destroy();
        return fail(new SessionUpgradeError(`POST ${path}: expected 101 Upgrade: h2c, got ${res.statusCode} Upgrade: ${protocol || '-'}`, res.statusCode));
      }
      settled = true;
      socket.setTimeout(0);
      // Bytes the daemon sent right after the 101 (its HTTP/2 preface) were read along with the headers.
      if (head.length > 0) socket.unshift(head);
      resolve(socket as Socket);
    });
    request.on('response', (res) => {
      // Not upgraded: the daemon refused (400 duplicate id / unsupported protocol, 404 old API, 500…).
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('error', (e) => fail(e));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').trim();
        let message = body;
        try {
          message = (JSON.parse(body) as { message?: string }).message ?? body;
        } catch {
          // plain-text body
        }
        fail(new SessionUpgradeError(`POST ${path}: HTTP ${res.statusCode}${message ? `: ${message}` : ''}`, res.statusCode));
      });
    });
    request.end();
  });
}

/**
 * The upgrade request: straight to the engine's socket or tcp port when it speaks plain HTTP (no dockerode loaded);
 * else where dockerode's modem connects (https with its TLS material; ssh:// is refused).
 */
async function sessionRequest(engine: EngineConnection, common: http.RequestOptions & { path: string }): Promise<http.ClientRequest> {
  const plain = engine.plainHttp;
  // The same socket-of-its-own request as every other plain-HTTP call (its Connection: Upgrade header wins).
  if (plain) return plainRequest(plain, { method: common.method, path: common.path, headers: common.headers });
  const modem = engine.docker.modem as DockerModemLike;
  const socketPath =
    typeof modem.getSocketPath === 'function'
      ? await modem.getSocketPath()
      : typeof modem.socketPath === 'function'
        ? await modem.socketPath()
        : modem.socketPath;
  if (socketPath) return http.request({ ...common, socketPath });
  if (modem.protocol === 'http' || modem.protocol === undefined) return http.request({ ...common, host: modem.host, port: modem.port });
  if (modem.protocol === 'https') {
    // Required here: TLS is for https engines only, and loading it is a visible part of every run's start-up.
    const { request: httpsRequest } = require('node:https') as typeof import('node:https');
    return httpsRequest({ ...common, host: modem.host, port: modem.port, ca: modem.ca, cert: modem.cert, key: modem.key, checkServerIdentity: modem.checkServerIdentity });
  }
  throw new SessionUpgradeError(`BuildKit sessions over ${modem.protocol}:// engine connections are not supported (use a unix socket or tcp)`);
}

/** The docker-modem fields we read (dockerode types `modem` as any). */
interface DockerModemLike {
  socketPath?: string | (() => string | Promise<string>);
  getSocketPath?: () => Promise<string | undefined> | undefined;
  host?: string;
  port?: number | string;
  protocol?: string;
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  checkServerIdentity?: https.RequestOptions['checkServerIdentity'];
}
