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

  it('reads auths per host (auth or username/password), whatever the key spelling', () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
          'http://127.0.0.1:5000': { username: 'local', password: 'pw2' },
          'ghcr.io': { identitytoken: 'not-supported' },
        },
      }),
    );
    const store = loadDockerCredentials({ DOCKER_CONFIG: dir });
    expect(store.file).toBe(join(dir, 'config.json'));
    expect(store.forDomain('docker.io')).toEqual({ username: 'hub', secret: 'pw:with:colons' });
    expect(store.forDomain('127.0.0.1:5000')).toEqual({ username: 'local', secret: 'pw2' });
    expect(store.forDomain('ghcr.io')).toBeUndefined();
    expect(store.forDomain('127.0.0.1:5001')).toBeUndefined();
  });

  it('no config file: no credentials; a broken one: an error naming it', () => {
    expect(loadDockerCredentials({ DOCKER_CONFIG: dir }).forDomain('docker.io')).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), '{ nope');
    expect(() => loadDockerCredentials({ DOCKER_CONFIG: dir })).toThrow(/cannot read registry credentials/);
  });

  it('normalizes config keys', () => {
    expect(normalizeDomain('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeDomain('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeDomain('http://Host:5000/')).toBe('host:5000');
  });
});
