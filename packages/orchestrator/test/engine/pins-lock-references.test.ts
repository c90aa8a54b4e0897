// Pure parts of `pins lock` (no engine, no network). They live beside the engine tests of the same feature.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDockerCredentials, normalizeDomain } from '../../src/registry/docker-credentials';
import { parseChallenge } from '../../src/registry/registry-client';

describe('WWW-Authenticate challenges', () => {
  it('Bearer with quoted params', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toMatchObject({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
    });
  });
  it('Basic', () => expect(parseChallenge('Basic realm="fragments-test"')).toMatchObject({ scheme: 'basic', params: { realm: 'fragments-test' } }));
  it('none', () => expect(parseChallenge(null)).toMatchObject({ scheme: '', params: {} }));
});

describe('credentials from config.json', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fragments-cfg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads auths per host (auth, username/password or identitytoken), whatever the key spelling', async () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
          'http://127.0.0.1:5000': { username: 'local', password: 'pw2' },
          'ghcr.io': { identitytoken: 'refresh-token' },
        },
      }),
    );
    const store = loadDockerCredentials({ DOCKER_CONFIG: dir });
    expect(store.file).toBe(join(dir, 'config.json'));
    expect(await store.forDomain('docker.io')).toEqual({ username: 'hub', secret: 'pw:with:colons' });
    expect(await store.forDomain('127.0.0.1:5000')).toEqual({ username: 'local', secret: 'pw2' });
    // An identity token: empty username, the token as secret (docker's and BuildKit's convention).
    expect(await store.forDomain('ghcr.io')).toEqual({ username: '', secret: 'refresh-token' });
    expect(await store.forDomain('127.0.0.1:5001')).toBeUndefined();
  });

  it('no config file: no credentials; a broken one: an error naming it', async () => {
    expect(await loadDockerCredentials({ DOCKER_CONFIG: dir }).forDomain('docker.io')).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), '{ nope');
    expect(() => loadDockerCredentials({ DOCKER_CONFIG: dir })).toThrow(/cannot read registry credentials/);
  });

  it('normalizes config keys', () => {
    expect(normalizeDomain('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeDomain('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeDomain('http://Host:5000/')).toBe('host:5000');
  });
});
