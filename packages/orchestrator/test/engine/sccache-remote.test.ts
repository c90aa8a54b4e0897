// The remote sccache plumbing on the real engine, with the offline stack's nixl (Debian's sccache 0.4, built with the
// local-disk backend only, so S3 itself cannot be exercised here). What is proved: the compile step receives the
// profile's remote configuration (per-architecture prefix) and the credential secrets, falls back to the local disk
// when the remote cannot be used or is not configured, the statistics are read either way, the tag is the same with
// and without the remote configuration, and the credential values appear nowhere in the output.

import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';

const repo = resolve(__dirname, '../../../..');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');

function fragments(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, FRAGMENTS_NETWORK: 'none', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ code, out }));
  });
}

describe('remote sccache configuration reaches the compile step (offline nixl)', () => {
  let fx: EngineFixture;
  let root: string;
  beforeAll(async () => {
    fx = await engineFixture();
    root = mkdtempSync(join(tmpdir(), 'offline-sccache-'));
    cpSync(join(repo, 'examples/offline-stack'), root, { recursive: true });
    for (const name of readdirSync(join(root, 'fragments'))) {
      const file = join(root, 'fragments', name, 'fragment.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^image: offline\//m, `image: ${fx.prefix}`));
    }
    writeFileSync(join(root, 'profiles/ci-remote.yaml'), readFileSync(join(root, 'profiles/local.yaml'), 'utf8'));
    appendFileSync(join(root, 'profiles/ci-remote.yaml'), '\nsccache:\n  bucket: dynamo-test-sccache\n  region: us-west-2\n  key_prefix: ci/nixl\n  cache_size: 2G\n');
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it('uses the profile and the credential secrets, falls back to local disk, reports statistics; the tag does not move', async () => {
    const keyId = `AKIA-${fx.runId}-sentinel`;
    const secretKey = `s3cr3t-${fx.runId}-${Date.now()}`;
    // --no-cache: BuildKit would otherwise reuse the compile step (secrets are no part of its cache key) and print nothing.
    const common = ['--root', root, 'build', 'nixl', '--platform', 'linux/amd64', '--no-cache', '--progress', 'plain', '--label', `${RUN_LABEL}=${fx.runId}`];
    const remote = await fragments(['--profile', 'ci-remote', ...common], {
      FRAGMENTS_SECRETS: 'id=aws-key-id,env=SCCACHE_TEST_KEY;id=aws-secret-id,env=SCCACHE_TEST_SECRET',
      SCCACHE_TEST_KEY: keyId,
      SCCACHE_TEST_SECRET: secretKey,
    });
    expect(remote.code).toBe(0);
    expect(remote.out).toContain('sccache: remote cache s3://dynamo-test-sccache/ci/nixl/amd64 region=us-west-2');
    expect(remote.out).toContain('credentials: key pair (secrets aws-key-id, aws-secret-id)');
    expect(remote.out).toMatch(/sccache: the remote cache is not usable \(.*\); falling back to the local disk/);
    expect(remote.out).toMatch(/sccache for nixl: 2 compile requests/);
    expect(remote.out).not.toContain(keyId);
    expect(remote.out).not.toContain(secretKey);

    const local = await fragments(['--profile', 'local', ...common]);
    expect(local.code).toBe(0);
    expect(local.out).not.toContain('sccache: remote cache');
    expect(local.out).toContain('sccache: local disk cache /root/.cache/sccache');
    expect(local.out).toMatch(/sccache for nixl: 2 compile requests/);

    const tagOf = (out: string) => /^nixl\s+linux\/amd64\s+built\s+\S+\s+(\S+)/m.exec(out)![1];
    expect(tagOf(local.out)).toBe(tagOf(remote.out));
  }, 300_000);
});
