import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUserError } from '../../src/errors/user-error';
import type { CredentialStore } from '../../src/registry/docker-credentials';
import type { RegistryCredentials } from '../../src/model/registry-credentials';
import { lockPins } from '../../src/pins-lock/lock-pins';
import { loadPins } from '../../src/workspace/load-pins';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/**
 * The Bearer token dance (Docker Hub, GHCR, Harbor…) against a loopback stand-in: the Debian registry cannot issue
 * tokens without a token server, so this one plays both roles. It serves an OCI index whose children are per
 * platform, checks the token, and counts requests.
 */
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const digestOf = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const AMD64 = digestOf('amd64 manifest');
const ARM64 = digestOf('arm64 manifest');
const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: AMD64, size: 10, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: ARM64, size: 10, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf('attestation'), size: 10, platform: { os: 'unknown', architecture: 'unknown' } },
  ],
});

interface Fake {
  host: string;
  requests: string[];
  close(): Promise<void>;
}

async function fakeRegistry(opts: { badDigestHeader?: boolean } = {}): Promise<Fake> {
  const requests: string[] = [];
  let host = '';
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname === '/token') {
      const basic = `Basic ${Buffer.from('robot:s3cret').toString('base64')}`;
      if (url.searchParams.get('service') !== 'fake-registry' || url.searchParams.get('scope') !== 'repository:team/app:pull') return void res.writeHead(400).end();
      if (req.headers.authorization !== basic) return void res.writeHead(401).end('{"details":"bad credentials"}');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'T-123', expires_in: 300 }));
      return;
    }
    if (url.pathname === '/v2/team/app/manifests/1.0') {
      if (req.headers.authorization !== 'Bearer T-123') {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:team/app:pull"` }).end();
        return;
      }
      if (!String(req.headers.accept).includes(OCI_INDEX)) return void res.writeHead(406).end();
      res.writeHead(200, { 'Content-Type': OCI_INDEX, 'Docker-Content-Digest': opts.badDigestHeader ? digestOf('something else') : digestOf(index) }).end(index);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const store = (creds?: RegistryCredentials): CredentialStore => ({ file: '/nowhere/config.json', forDomain: () => creds });

describe('pins lock: Bearer token auth and OCI indexes', () => {
  let fake: Fake;
  let ws: TempWorkspace;
  beforeEach(async () => {
    fake = await fakeRegistry();
    ws = tempWorkspace({ 'pins.yaml': `platforms: [linux/amd64, linux/arm64]\nimages:\n  app: ${fake.host}/team/app:1.0\n` });
  });
  afterEach(async () => {
    ws.remove();
    await fake.close();
  });

  it('follows the challenge to the token service with the configured login, then records each platform child', async () => {
    const result = await lockPins(loadPins(ws.root), { credentials: store({ username: 'robot', secret: 's3cret' }) });
    expect(result.lock.images.app).toEqual({
      'linux/amd64': { ref: `${fake.host}/team/app:1.0`, digest: AMD64 },
      'linux/arm64': { ref: `${fake.host}/team/app:1.0`, digest: ARM64 },
    });
    // One anonymous try, one token, one authorized GET: the index is fetched once for both platforms.
    expect(fake.requests.map((r) => r.split(' ').slice(0, 2).join(' ').replace(/\?.*/, ''))).toEqual(['GET /v2/team/app/manifests/1.0', 'GET /token', 'GET /v2/team/app/manifests/1.0']);
    expect(fake.requests[2]).toMatch(/Bearer T-123$/);
  });

  it('a token service that refuses the login is an auth error naming pin, platform and ref', async () => {
    const error = await lockPins(loadPins(ws.root), { credentials: store({ username: 'robot', secret: 'wrong' }) }).catch((e) => e);
    expect(isUserError(error)).toBe(true);
    expect(error.format()).toContain(`pins.yaml:3: images.app (linux/amd64): cannot resolve image ${fake.host}/team/app:1.0: the token service http://${fake.host}/token of ${fake.host} refused user "robot" (HTTP 401)`);
    expect(error.format()).toContain(`docker login ${fake.host}`);
  });

  it('a platform the index lacks is named with the platforms it has', async () => {
    ws.write('pins.yaml', `platforms: [linux/amd64]\nimages:\n  app:\n    linux/s390x: ${fake.host}/team/app:1.0\n`);
    const error = await lockPins(loadPins(ws.root), { credentials: store({ username: 'robot', secret: 's3cret' }) }).catch((e) => e);
    expect(error.format()).toContain(`images.app (linux/s390x): cannot resolve image ${fake.host}/team/app:1.0: ${fake.host}/team/app:1.0 has no linux/s390x image (it has: linux/amd64, linux/arm64/v8)`);
  });

  it('a manifest whose bytes do not match the announced digest is refused', async () => {
    await fake.close();
    fake = await fakeRegistry({ badDigestHeader: true });
    ws.write('pins.yaml', `platforms: [linux/amd64]\nimages:\n  app: ${fake.host}/team/app:1.0\n`);
    const error = await lockPins(loadPins(ws.root), { credentials: store({ username: 'robot', secret: 's3cret' }) }).catch((e) => e);
    expect(error.format()).toContain('but sent a manifest whose sha256 is');
  });
});
