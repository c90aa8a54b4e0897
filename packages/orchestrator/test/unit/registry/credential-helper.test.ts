import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../../src/errors/fragments-error';
import { UserError } from '../../../src/errors/user-error';
import { runCredentialHelper } from '../../../src/registry/credential-helper';
import { loadDockerCredentials } from '../../../src/registry/docker-credentials';

/** Real helper processes (shell scripts on PATH), as the docker CLI runs them: `docker-credential-<name> get`. */
describe('credential helpers run asynchronously, with a timeout and a per-run cache', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cred-helper-'));
    // Helpers are found on the process's PATH, as the docker CLI finds them.
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath}`;
    env = { ...process.env, DOCKER_CONFIG: dir };
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A helper script; every call appends the server it was asked about to `calls.log`. */
  const helper = (name: string, body: string) => {
    const file = join(dir, `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n[ "$1" = get ] || exit 9\nread -r server || true\necho "$server" >> "${join(dir, 'calls.log')}"\n${body}\n`);
    chmodSync(file, 0o755);
  };
  const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as UserError | EnvironmentError);

  it('does not block the event loop while a slow helper runs', async () => {
    helper('slow', 'sleep 1; echo \'{"Username":"u","Secret":"s"}\'');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    try {
      expect(await runCredentialHelper('slow', 'r.example', { env })).toEqual({ username: 'u', secret: 's' });
    } finally {
      clearInterval(timer);
    }
    // execFileSync would have frozen the loop for the whole second: not a single tick.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('asks once per host per run: concurrent requests share the lookup, other hosts get their own', async () => {
    helper('team', 'sleep 0.3; echo "{\\"Username\\":\\"user-$server\\",\\"Secret\\":\\"pw\\"}"');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'team' }));
    const store = loadDockerCredentials(env);
    const answers = await Promise.all([store.forDomain('a.example'), store.forDomain('a.example'), store.forDomain('https://a.example/v1/'), store.forDomain('b.example')]);
    expect(answers.map((a) => a?.username)).toEqual(['user-a.example', 'user-a.example', 'user-a.example', 'user-b.example']);
    expect(await store.forDomain('a.example')).toEqual({ username: 'user-a.example', secret: 'pw' });
    expect(calls().sort()).toEqual(['a.example', 'b.example']);
    // A new run (a new store) asks again.
    await loadDockerCredentials(env).forDomain('a.example');
    expect(calls().filter((c) => c === 'a.example')).toHaveLength(2);
  });

  it('kills a helper that takes longer than the timeout and says which helper, host and limit', async () => {
    helper('hang', 'exec sleep 30');
    const started = Date.now();
    const e = await failure(runCredentialHelper('hang', 'slow.example', { env, timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toBe('credential helper docker-credential-hang (for slow.example) did not answer within 0.3 s');
  });

  it('names helper and host when the helper fails, prints no JSON, or prints no Secret; never quotes its stdout', async () => {
    helper('broken', 'echo "keychain locked" >&2; exit 3');
    const broken = await failure(runCredentialHelper('broken', 'h.example', { env }));
    expect(broken).toBeInstanceOf(EnvironmentError);
    expect(broken.message).toBe('credential helper docker-credential-broken (for h.example) exited with status 3: keychain locked');
    helper('garbage', 'echo "Secret=hunter2 not json"');
    const garbage = await failure(runCredentialHelper('garbage', 'h.example', { env }));
    expect(garbage.message).toBe('credential helper docker-credential-garbage (for h.example) printed something that is not JSON');
    expect(garbage.format()).not.toContain('hunter2');
    helper('shape', 'echo \'{"Username":"u","Secret":42}\'');
    expect((await failure(runCredentialHelper('shape', 'h.example', { env }))).message).toMatch(/docker-credential-shape \(for h\.example\) printed JSON without string "Username" and "Secret"/);
  });

  it('treats "credentials not found" as anonymous, and the <token> username as an identity token', async () => {
    helper('empty', 'echo "credentials not found in native keychain"; exit 1');
    expect(await runCredentialHelper('empty', 'h.example', { env })).toBeUndefined();
    helper('token', 'echo \'{"Username":"<token>","Secret":"refresh-abc"}\'');
    expect(await runCredentialHelper('token', 'h.example', { env })).toEqual({ username: '', secret: 'refresh-abc' });
    expect(calls()).toEqual(['h.example', 'h.example']); // the server arrived on stdin
  });
});
