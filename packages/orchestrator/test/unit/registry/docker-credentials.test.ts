import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDockerCredentials } from '../../../src/registry/docker-credentials';
import { UserError } from '../../../src/errors/user-error';

/**
 * config.json as the docker CLI writes it, read per host: `auths`, `credHelpers` and `credsStore`. The helpers are
 * real executables on PATH (`docker-credential-<name> get`, server on stdin), as the docker CLI runs them.
 */
describe('registry credentials from config.json', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${process.env.PATH}`;
    // A helper that knows one server per helper name and answers like docker-credential-pass.
    for (const [name, server, user] of [['teamvault', 'registry.example.com', 'team'], ['desktop', 'https://index.docker.io/v1/', 'hubuser']]) {
      const file = join(dir, `docker-credential-${name}`);
      writeFileSync(
        file,
        `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\nif [ "$server" = "${server}" ]; then echo '{"ServerURL":"${server}","Username":"${user}","Secret":"s3cret-${name}"}'; else echo "credentials not found in native keychain" >&2; exit 1; fi\n`,
      );
      chmodSync(file, 0o755);
    }
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });
  const store = (config: object) => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return loadDockerCredentials({ DOCKER_CONFIG: dir });
  };

  it('reads auths per host (base64 user:password), and gives other hosts nothing', () => {
    const s = store({ auths: { '127.0.0.1:5000': { auth: Buffer.from('ci:p:ss').toString('base64') }, 'https://index.docker.io/v1/': { auth: Buffer.from('hub:x').toString('base64') } } });
    expect(s.forDomain('127.0.0.1:5000')).toEqual({ username: 'ci', secret: 'p:ss' });
    expect(s.forDomain('docker.io')).toEqual({ username: 'hub', secret: 'x' });
    expect(s.forDomain('ghcr.io')).toBeUndefined();
  });

  it('asks the credHelpers entry of a host, and only for that host', () => {
    const s = store({ credHelpers: { 'registry.example.com': 'teamvault' } });
    expect(s.forDomain('registry.example.com')).toEqual({ username: 'team', secret: 's3cret-teamvault' });
    expect(s.forDomain('other.example.com')).toBeUndefined();
  });

  it('falls back to credsStore for hosts without an auths entry (Docker Hub under its v1 server name)', () => {
    const s = store({ credsStore: 'desktop', auths: { '127.0.0.1:5000': { auth: Buffer.from('ci:pw').toString('base64') } } });
    expect(s.forDomain('docker.io')).toEqual({ username: 'hubuser', secret: 's3cret-desktop' });
    expect(s.forDomain('registry-1.docker.io')).toEqual({ username: 'hubuser', secret: 's3cret-desktop' });
    expect(s.forDomain('127.0.0.1:5000')).toEqual({ username: 'ci', secret: 'pw' });
  });

  it('treats a missing helper as no credentials (anonymous), not as a crash', () => {
    const s = store({ credHelpers: { 'registry.example.com': 'not-installed' } });
    expect(s.forDomain('registry.example.com')).toBeUndefined();
  });

  it('reports a broken config.json with its path', () => {
    writeFileSync(join(dir, 'config.json'), '{ "auths": ');
    expect(() => loadDockerCredentials({ DOCKER_CONFIG: dir })).toThrow(UserError);
  });
});
