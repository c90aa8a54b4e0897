import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError } from '../../../src/registry/registry-client';

/**
 * An identity token (config.json `identitytoken`, carried as an empty username) is an OAuth2 refresh token: docker
 * POSTs it to the token service with `grant_type=refresh_token` and never sends it as Basic auth. A loopback token
 * service records what it received (the Debian registry cannot issue tokens without a token server).
 */
describe('identity tokens in the registry client', () => {
  let server: http.Server;
  let host: string;
  const seen: { method: string; path: string; body: string; authorization?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method!, path: req.url!, body, authorization: req.headers.authorization });
        const url = new URL(req.url!, `http://${host}`);
        if (url.pathname === '/token') {
          const form = new URLSearchParams(body);
          const ok = req.method === 'POST' && form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-123';
          if (!ok) return void res.writeHead(401).end();
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'access-456', expires_in: 300 }));
          return;
        }
        if (url.pathname.startsWith('/v2/basic/')) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
          return;
        }
        if (req.headers.authorization !== 'Bearer access-456') {
          res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:team/app:pull"` }).end();
          return;
        }
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections(); // fetch keeps connections alive
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('exchanges the identity token with a refresh_token grant (POST, form) and uses the access token it gets', async () => {
    const client = new RegistryClient(host, { username: '', secret: 'refresh-123' });
    expect(await client.manifestDigest('team/app', 'missing')).toBeUndefined(); // 404 with the bearer token = authorized
    const token = seen.find((s) => s.path === '/token')!;
    expect(token.method).toBe('POST');
    expect(token.authorization).toBeUndefined(); // never as Basic auth
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-123',
      client_id: 'fragments',
      service: 'fake-registry',
      scope: 'repository:team/app:pull',
    });
    expect(seen.at(-1)!.authorization).toBe('Bearer access-456');
  });

  it('a registry that wants Basic auth gets no identity token, and the error says why', async () => {
    const client = new RegistryClient(host, { username: '', secret: 'refresh-123' });
    const error = await client.manifestDigest('basic/app', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/asks for Basic auth, but its configured credentials are an identity token/);
    expect(seen.filter((s) => s.path.startsWith('/v2/basic/')).every((s) => s.authorization === undefined)).toBe(true);
  });
});
