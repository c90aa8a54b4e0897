import http from 'node:http';
import net from 'node:net';

/** A plain-HTTP engine endpoint: a unix socket, or a tcp host and port. */
export type PlainHttpTarget = { socketPath: string } | { host: string; port: number };

export interface PlainResponse {
  statusCode: number;
  /** The body parsed as JSON, or its text when it is not JSON. */
  json: unknown;
  headers: http.IncomingHttpHeaders;
}

/** `GET path` on the engine with node:http and no keep-alive; the whole (small) body is read. */
export function plainGet(target: PlainHttpTarget, path: string, timeoutMs = 30_000): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const request = plainRequest(target, { method: 'GET', path, timeout: timeoutMs, headers: { Accept: 'application/json' } });
    request.end();
    request.on('response', (response) => {
      readBody(response).then((json) => resolve({ statusCode: response.statusCode ?? 0, json, headers: response.headers }), reject);
    });
    // ETIMEDOUT, as a socket timeout would say: the caller classifies it as the engine failing.
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

/**
 * A request on a socket of its own: no agent, so no keep-alive (streamed tar bodies and kept-alive connections make
 * BuildKit builds hang, docker-modem#196) and no agent bookkeeping, whose first request compiles node's IPv6 regular
 * expression (about 12 ms of a no-op build's start-up). The caller writes the body and ends the request.
 */
export function plainRequest(target: PlainHttpTarget, options: Omit<http.RequestOptions, 'createConnection' | 'agent' | 'socketPath' | 'host' | 'port'>): http.ClientRequest {
  const connect = () => ('socketPath' in target ? net.connect(target.socketPath) : net.connect(target.port, target.host));
  return http.request({ ...options, createConnection: connect, headers: { Host: 'localhost', Connection: 'close', ...options.headers } });
}

/** The whole body of a response: parsed as JSON, or its text when it is not JSON (/_ping answers "OK"). */
export function readBody(response: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('error', reject);
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
  });
}
