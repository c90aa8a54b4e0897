#!/usr/bin/env node
// Benchmark: the CI job on a fresh engine with a warm registry. A copy of the offline example stack in a git
// repository; the registry (Debian docker-registry on 127.0.0.1) is warmed by one full CI run; then the engine is made
// "fresh" (stack images removed, BuildKit cache pruned) before each measurement:
//   A. tools/ci-affected.sh after a commit that changes one leaf fragment (dev), versus
//   B. a full rebuild of the same graph without the registry (`fragments build dev`), same run.
// Run: npm run bench:registry
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, appendFileSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const repo = resolve(__dirname, '../..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FRAGMENTS_NETWORK: 'none', PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` };

function run(cmd, args, cwd, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, env: { ...env, ...extraEnv }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '') };
}
const freePort = () => new Promise((ok) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const freshEngine = (prefix) => {
  run('sh', ['-c', `docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep '${prefix}' | awk '{print $2}' | sort -u | xargs -r docker rmi -f >/dev/null`]);
  run('docker', ['builder', 'prune', '-af']);
};
const count = (out, word) => (out.match(new RegExp(`^(?:\\S+:\\s+)?\\S+\\s+linux/amd64\\s+${word}`, 'gm')) || []).length;

(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  const ws = join(dir, 'ws');
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nstorage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }\nhttp: { addr: 127.0.0.1:${port} }\n`);
  const registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const prefix = `bench${port}`;
  try {
    await new Promise((r) => setTimeout(r, 1500));
    cpSync(join(repo, 'examples/offline-stack'), ws, { recursive: true });
    run('sh', ['-c', `sed -i 's#^image: offline/#image: ${prefix}/#' fragments/*/fragment.yaml`], ws);
    symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
    writeFileSync(join(ws, 'package.json'), '{"name":"bench","private":true}');
    writeFileSync(join(ws, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, plugins: ['@dynamo-build/nx-fragments'] }));
    writeFileSync(join(ws, '.gitignore'), 'node_modules\n.nx\n');
    // The stack's base images come from its `local` profile: make it the default for this copy.
    run('sh', ['-c', "node -e \"const Y=require('yaml'),fs=require('fs');const p=Y.parse(fs.readFileSync('pins.yaml','utf8'));const l=Y.parse(fs.readFileSync('profiles/local.yaml','utf8'));Object.assign(p.images,l.images);fs.writeFileSync('pins.yaml',Y.stringify(p))\""], ws, { NODE_PATH: join(repo, 'node_modules') });
    const git = (...a) => run('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.invalid', ...a], ws);
    git('init', '-q', '-b', 'main'); git('add', '-A'); git('commit', '-q', '-m', 'initial');
    const registryEnv = { FRAGMENTS_REGISTRY: `127.0.0.1:${port}/ci`, FRAGMENTS_PLATFORM: 'linux/amd64' };
    const ciAffected = (base) => run('bash', [join(repo, 'tools/ci-affected.sh'), base, 'HEAD'], ws, registryEnv);

    const emptyTree = git('hash-object', '-t', 'tree', '/dev/null').out.trim();
    const warm = ciAffected(emptyTree);
    console.log(`== warm-up: full CI run pushed the whole graph (${count(warm.out, 'built')} node builds) in ${(warm.ms / 1000).toFixed(1)} s`);

    appendFileSync(join(ws, 'fragments/dev/tests/run-tests.sh'), '\n# bench change\n');
    git('commit', '-qam', 'change the dev fragment');
    freshEngine(prefix);
    const affected = ciAffected('HEAD~1');
    freshEngine(prefix);
    const direct = run(process.execPath, [join(repo, 'packages/orchestrator/bin/fragments.js'), '--root', ws, 'build', 'dev', '--push', '--progress', 'plain'], ws, registryEnv);
    freshEngine(prefix);
    const full = run(process.execPath, [join(repo, 'packages/orchestrator/bin/fragments.js'), '--root', ws, 'build', 'dev', '--progress', 'plain'], ws);
    console.log('== fresh engine (images removed, BuildKit cache pruned), warm registry');
    console.log(`  nx affected -t image (one changed leaf: dev): ${(affected.ms / 1000).toFixed(1)} s — ${count(affected.out, 'built')} built, ${count(affected.out, 'in registry')} in registry (node results over all nx tasks)`);
    console.log(`  then fragments build dev --push without nx (graph now fully in the registry): ${(direct.ms / 1000).toFixed(1)} s — ${count(direct.out, 'built')} built, ${count(direct.out, 'in registry')} in registry`);
    console.log(`  full rebuild of the same graph (fragments build dev, no registry): ${(full.ms / 1000).toFixed(1)} s — ${count(full.out, 'built')} built`);
    console.log(`  ratio affected/full: ${(affected.ms / full.ms).toFixed(2)}x; without nx: ${(direct.ms / full.ms).toFixed(2)}x`);
    console.log('  (the example stack compiles in about a second per node: fixed costs — nx start-up, registry checks, pulling');
    console.log('   the upstream runtime images — dominate here; on real stacks the skipped builds are what counts)');
    freshEngine(prefix);
  } finally {
    registry.kill('SIGTERM');
    await new Promise((r) => registry.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
