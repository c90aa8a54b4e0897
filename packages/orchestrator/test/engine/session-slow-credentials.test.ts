import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { postBuild } from '../../src/engine/build-request';
import { readEngineResponse } from '../../src/engine/response-lines';
import { loadDockerCredentials } from '../../src/registry/docker-credentials';
import { openBuildSession, type BuildSession } from '../../src/session';
import { dockerfileTar } from '../support/dockerfile-tar';
import { engineFixture, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { pushImage, startRegistry, untag, type TestRegistry } from '../support/registry';


/**
 * A credential helper that takes 3 s (a keychain unlock, a cloud CLI minting a token) is asked while the BuildKit
 * session is open. The daemon health-checks the session every second and drops it when checks go unanswered (this
 * engine waits up to 10 s for an answer; newer BuildKit fails sooner under load), and every answer needs this
 * process's event loop. So the test measures the loop itself: the longest stall during the build must stay far
 * below the 1 s check interval (a blocking execFileSync lookup stalls it for the helper's full 3 s), the session
 * must still serve a secret after the pull, and the build must succeed.
 */
describe('a slow credential helper while a BuildKit session is open (real engine, htpasswd registry)', () => {
  const user = { username: 'builder', password: `pw-${randomBytes(6).toString('hex')}` };
  let fx: EngineFixture;
  let registry: TestRegistry;
  let dir: string;
  let ref: string;
  let savedPath: string | undefined;
  let session: BuildSession | undefined;

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry({ htpasswd: user });
    ref = `${registry.host}/test/slow:${fx.runId}`;
    await pushImage(fx.engine.docker, TEST_BASE_IMAGE, ref, user);
    await untag(fx.engine.docker, ref); // only the registry has it: the build must pull, and so ask for credentials
    dir = mkdtempSync(join(tmpdir(), 'slow-helper-'));
    const helper = join(dir, 'docker-credential-slow');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        'read -r server',
        `date +%s%3N >> "${join(dir, 'calls.log')}"`,
        'sleep 3',
        `printf '{"ServerURL":"%s","Username":"${user.username}","Secret":"${user.password}"}\\n' "$server"`,
        '',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'slow' } }));
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath}`;
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await session?.close();
    await fx?.cleanup();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls with the helper\'s credentials and the session still serves a secret afterwards', async () => {
    const store = loadDockerCredentials({ DOCKER_CONFIG: dir });
    const secret = `after-${randomBytes(6).toString('hex')}`;
    session = await openBuildSession(fx.engine, { credentials: (host) => store.forDomain(host), secrets: { after: secret } }, { name: 'slow-credentials' });
    const dockerfile = `FROM ${ref}\nRUN --mount=type=secret,id=after cat /run/secrets/after && echo\n`;
    const started = Date.now();
    let last = Date.now();
    let longestStall = 0;
    const ticker = setInterval(() => {
      longestStall = Math.max(longestStall, Date.now() - last);
      last = Date.now();
    }, 50);
    const response = await postBuild(
      fx.engine,
      { version: '2', networkmode: 'none', nocache: true, session: session.id, t: `${fx.prefix}slow:latest`, labels: JSON.stringify(fx.labels) },
      Readable.from([dockerfileTar(dockerfile)]),
      new AbortController().signal,
    );
    let logs = '';
    let error: string | undefined;
    const decoder = new TextDecoder();
    try {
      for await (const message of readEngineResponse(response)) {
        if (message.kind === 'trace') for (const log of message.status.logs) logs += decoder.decode(log.msg, { stream: true });
        else if (message.kind === 'error') error = message.message;
      }
    } finally {
      clearInterval(ticker);
    }
    expect(error).toBeUndefined();
    expect(longestStall).toBeLessThan(500);
    // The helper really ran (once: BuildKit may ask again, the per-run cache answers) and took its 3 s.
    expect(readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(logs).toContain(secret);
  }, 120_000);
});
