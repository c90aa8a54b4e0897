// The gRPC services a BuildKit session offers the daemon, served on a raw node:http2 server session (we are the
// HTTP/2 server on the hijacked /session connection; the daemon is the client). Unary calls only: each request
// is exactly one length-prefixed message, each reply one message plus `grpc-status: 0` trailers, or a
// trailers-only error. Nothing here logs, and no error message carries a credential or secret value.

import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { ProtobufDecodeError } from '../engine/protobuf-reader';
import { encodeGrpcFrame, encodeGrpcMessage, GrpcFrameDecoder, GrpcFrameError, GrpcStatus } from './grpc-frame';
import {
  decodeCredentialsRequest,
  decodeGetSecretRequest,
  decodeHealthCheckRequest,
  encodeCredentialsResponse,
  encodeGetSecretResponse,
  encodeHealthCheckResponse,
  ServingStatus,
} from './session-messages';

import type { RegistryCredentials } from '../model/registry-credentials';

export type { RegistryCredentials }; // the one shape, from model/

export interface SessionServices {
  /**
   * Registry credentials for one host, exactly as BuildKit names it: `127.0.0.1:5000`, `ghcr.io`, and Docker Hub
   * as `registry-1.docker.io` (its docker config key is `https://index.docker.io/v1/`). BuildKit asks per host, so
   * answer per host: never one set for every host. Undefined → anonymous. A throw fails that registry access.
   */
  credentials?(host: string): Promise<RegistryCredentials | undefined> | RegistryCredentials | undefined;
  /** Build secrets by id (`RUN --mount=type=secret,id=…`). Strings are sent as UTF-8. Unknown ids → NOT_FOUND. */
  secrets?: Record<string, Buffer | string>;
}

export const SessionMethod = {
  HealthCheck: '/grpc.health.v1.Health/Check',
  Credentials: '/moby.filesync.v1.Auth/Credentials',
  GetTokenAuthority: '/moby.filesync.v1.Auth/GetTokenAuthority',
  GetSecret: '/moby.buildkit.secrets.v1.Secrets/GetSecret',
} as const;

/**
 * What we announce in `X-Docker-Expose-Session-Grpc-Method`. GetTokenAuthority is answered (UNIMPLEMENTED, so
 * BuildKit falls back to Credentials) but not announced: we do not implement it.
 */
export const SERVED_METHODS: readonly string[] = [SessionMethod.HealthCheck, SessionMethod.Credentials, SessionMethod.GetSecret];

/** A handler's verdict: a reply message, or a gRPC error status. */
type Outcome = { message: Buffer } | { status: GrpcStatus; detail: string };
type UnaryHandler = (request: Buffer, services: SessionServices) => Promise<Outcome> | Outcome;

const handlers: Record<string, UnaryHandler> = {
  [SessionMethod.HealthCheck]: (request) => {
    decodeHealthCheckRequest(request); // validates; every service name ("" in practice) is SERVING
    return { message: encodeHealthCheckResponse(ServingStatus.SERVING) };
  },
  [SessionMethod.Credentials]: async (request, services) => {
    const { host } = decodeCredentialsRequest(request);
    let found: RegistryCredentials | undefined;
    try {
      found = services.credentials ? await services.credentials(host) : undefined;
    } catch {
      // The callback's own message could quote what it read: keep it out of the daemon's logs.
      return { status: GrpcStatus.INTERNAL, detail: `credentials lookup for ${host} failed` };
    }
    if (found !== undefined && (typeof found.username !== 'string' || typeof found.secret !== 'string')) {
      return { status: GrpcStatus.INTERNAL, detail: `credentials for ${host} are not {username, secret} strings` };
    }
    return { message: encodeCredentialsResponse(found) };
  },
  [SessionMethod.GetTokenAuthority]: () => ({ status: GrpcStatus.UNIMPLEMENTED, detail: 'token authority not supported; use Credentials' }),
  [SessionMethod.GetSecret]: (request, services) => {
    const { id } = decodeGetSecretRequest(request);
    const secrets = services.secrets;
    // Own properties only: `toString` or `__proto__` must not resolve to something inherited.
    if (!secrets || !Object.prototype.hasOwnProperty.call(secrets, id)) {
      return { status: GrpcStatus.NOT_FOUND, detail: `secret ${id} not found` };
    }
    const value = secrets[id];
    return { message: encodeGetSecretResponse(typeof value === 'string' ? Buffer.from(value, 'utf8') : value) };
  },
};

/** Answers every stream the daemon opens on `h2`. */
export function serveSessionServices(h2: ServerHttp2Session, services: SessionServices): void {
  h2.on('stream', (stream, headers) => handleStream(stream, headers, services));
}

function handleStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, services: SessionServices): void {
  // A reset from the daemon (cancelled call, session torn down) is not our error to raise.
  stream.on('error', () => undefined);
  const path = String(headers[':path'] ?? '');
  const handler = Object.prototype.hasOwnProperty.call(handlers, path) ? handlers[path] : undefined;
  if (!handler || headers[':method'] !== 'POST') {
    stream.resume();
    replyError(stream, GrpcStatus.UNIMPLEMENTED, `unknown method ${path}`);
    return;
  }
  const decoder = new GrpcFrameDecoder();
  const messages: Buffer[] = [];
  let failed = false;
  stream.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      messages.push(...decoder.push(chunk));
    } catch (e) {
      failed = true;
      replyError(stream, GrpcStatus.INTERNAL, (e as Error).message);
    }
  });
  stream.on('end', () => {
    if (failed) return;
    void (async () => {
      try {
        decoder.end();
        if (messages.length !== 1) {
          replyError(stream, GrpcStatus.UNIMPLEMENTED, `${path} is unary: expected 1 request message, got ${messages.length}`);
          return;
        }
        const outcome = await handler(messages[0], services);
        if ('message' in outcome) replyMessage(stream, outcome.message);
        else replyError(stream, outcome.status, outcome.detail);
      } catch (e) {
        const bad = e instanceof ProtobufDecodeError || e instanceof GrpcFrameError;
        replyError(stream, bad ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL, bad ? (e as Error).message : `${path} failed`);
      }
    })();
  });
}

function open(stream: ServerHttp2Stream): boolean {
  return !stream.destroyed && !stream.closed && !stream.headersSent;
}

function replyMessage(stream: ServerHttp2Stream, message: Buffer): void {
  if (!open(stream)) return;
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GrpcStatus.OK) }));
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.end(encodeGrpcFrame(message));
}

/** Trailers-only response: status and message ride on the single HEADERS frame that ends the stream. */
function replyError(stream: ServerHttp2Stream, status: GrpcStatus, detail: string): void {
  if (!open(stream)) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(detail) },
    { endStream: true },
  );
}
