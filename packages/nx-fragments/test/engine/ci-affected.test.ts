import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { engineFixture, type EngineFixture } from '../../../orchestrator/test/support/engine-fixture';
import { startRegistry, type TestRegistry } from '../../../orchestrator/test/support/registry';
import { testStack } from '../../../orchestrator/test/support/test-stack';
import type { TempWorkspace } from '../../../orchestrator/test/support/temp-workspace';
import { makeNxWorkspace } from '../support/nx-workspace';

const repo = resolve(__dirname, '../../../..');

describe('CI flow: tools/ci-affected.sh in a git repository, against a real registry', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let ws: TempWorkspace;

  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', ...args], { cwd: ws.root }).toString();
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  const ciAffected = async (...args: string[]) => {
    const { stdout, stderr } = await promisify(execFile)('bash', [join(repo, 'tools/ci-affected.sh'), ...args], {
      cwd: ws.root,
      env: { ...process.env, FRAGMENTS_REGISTRY: `${registry.host}/ci`, FRAGMENTS_NETWORK: 'none', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` },
      maxBuffer: 64 << 20,
    });
    return stdout + stderr;
  };
  /** `<node>  linux/amd64  <outcome>` rows of every summary printed. */
  const outcomes = (out: string) => {
    const rows: Record<string, string[]> = {};
    const plain = out.replace(/\x1b\[[0-9;]*m/g, ''); // nx colours its task prefixes
    for (const m of plain.matchAll(/^(?:\S+:\s+)?(lib|app|other)\s+linux\/amd64\s+(built|pushed|up to date|in registry|failed|skipped)/gm)) (rows[m[1]] ??= []).push(m[2]);
    return rows;
  };
  const registryDigest = async (image: string, tag: string) => {
    const res = await fetch(`${registry.url}/v2/ci/${fx.prefix}${image}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    return res.status === 200 ? res.headers.get('docker-content-digest') : null;
  };

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
    ws = testStack(fx.prefix);
    makeNxWorkspace(ws);
    writeFileSync(join(ws.root, '.gitignore'), 'node_modules\n.nx\ngraph.json\n');
    git('init', '-q', '-b', 'main');
    commitAll('initial');
  });
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
    await registry?.stop();
  });

  it('builds exactly what changed, lets the hash decide for pins, builds nothing without a change, and promotes tags after success', async () => {
    // Warm the registry with everything (the "root" commit has no base: use the empty tree).
    const emptyTree = git('hash-object', '-t', 'tree', '/dev/null').trim();
    const warm = outcomes(await ciAffected(emptyTree, 'HEAD', 'main'));
    expect(warm.lib).toContain('built');
    expect(warm.other).toContain('built');
    const appMain = await registryDigest('app', 'main');
    expect(appMain).toMatch(/^sha256:/);

    // A change to one fragment builds exactly that node (its upstream is in the registry).
    ws.write('fragments/app/app.txt', 'app v2\n');
    commitAll('change app');
    const one = await ciAffected('HEAD~1', 'HEAD', 'main');
    const o1 = outcomes(one);
    expect(o1.app).toContain('built');
    expect(o1.lib ?? []).not.toContain('built');
    expect(o1.other ?? []).not.toContain('built');
    expect(await registryDigest('app', 'main')).not.toBe(appMain);

    // A pin used by one fragment: nx calls every project affected (pins.yaml is everyone's input); the hash rebuilds
    // only that fragment's closure.
    writeFileSync(join(ws.root, 'pins.yaml'), readFileSync(join(ws.root, 'pins.yaml'), 'utf8').replace('greeting: hello', 'greeting: hi'));
    commitAll('change a pin');
    const o2 = outcomes(await ciAffected('HEAD~1', 'HEAD'));
    expect(o2.lib).toContain('built');
    expect(o2.app).toContain('built');
    expect(o2.other ?? []).not.toContain('built');

    // No change: nothing builds.
    const o3 = outcomes(await ciAffected('HEAD', 'HEAD'));
    expect(Object.values(o3).flat()).not.toContain('built');
  }, 600_000);
});
