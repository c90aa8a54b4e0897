// Pure parts of `pins lock` (no engine, no network). They live beside the engine tests of the same feature.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDockerCredentials, normalizeDomain } from '../../src/registry/docker-credentials';
import { parseImageReference, registryApiHost, registryScheme } from '../../src/registry/image-reference';
import { parseChallenge } from '../../src/registry/registry-client';

describe('image references, as Docker normalizes them', () => {
  it.each([
    ['busybox', 'docker.io', 'library/busybox', 'latest'],
    ['busybox:1.37.0', 'docker.io', 'library/busybox', '1.37.0'],
    ['docker.io/library/busybox:1.37.0', 'docker.io', 'library/busybox', '1.37.0'],
    ['vllm/vllm-openai:v0.26.0-ubuntu2404', 'docker.io', 'vllm/vllm-openai', 'v0.26.0-ubuntu2404'],
    ['nvcr.io/nvidia/cuda:13.0.2-runtime-ubuntu24.04', 'nvcr.io', 'nvidia/cuda', '13.0.2-runtime-ubuntu24.04'],
    ['127.0.0.1:5000/test/bb:1', '127.0.0.1:5000', 'test/bb', '1'],
    ['localhost/x', 'localhost', 'x', 'latest'],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', 'latest'],
  ])('%s', (ref, domain, repository, tag) => {
    expect(parseImageReference(ref)).toMatchObject({ domain, repository, tag });
  });

  it('keeps a digest apart from the tag', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/test/bb:1@${d}`)).toMatchObject({ domain: '127.0.0.1:5000', repository: 'test/bb', tag: '1', digest: d });
  });

  it('talks http to loopback registries only, and to Docker Hub at its API host', () => {
    expect(registryScheme('127.0.0.1:5000')).toBe('http');
    expect(registryScheme('127.3.2.1:80')).toBe('http');
    expect(registryScheme('localhost:5000')).toBe('http');
    expect(registryScheme('[::1]:5000')).toBe('http');
    expect(registryScheme('registry.example.com:5000')).toBe('https');
    expect(registryScheme('10.0.0.1:5000')).toBe('https');
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
  });
});

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
