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
    // A socket of our own instead of an agent: no keep-alive, and no agent bookkeeping, whose first request compiles
    // node's IPv6 regular expression (about 12 ms of a no-op build's start-up).
    const connect = () => ('socketPath' in target ? net.connect(target.socketPath) : net.connect(target.port, target.host));
    const request = http.get({ path, createConnection: connect, timeout: timeoutMs, headers: { Accept: 'application/json', Host: 'localhost', Connection: 'close' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = text;
        try {
          json = JSON.parse(text);
        } catch {
          // plain text (/_ping answers "OK")
        }
        resolve({ statusCode: response.statusCode ?? 0, json, headers: response.headers });
      });
    });
    // ETIMEDOUT, as a socket timeout would say: the caller classifies it as the engine failing.
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}
