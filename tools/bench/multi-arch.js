#!/usr/bin/env node
// Benchmark: cold build of the offline example stack for linux/amd64 (native) versus linux/arm64 (QEMU emulation on
// this amd64 machine), in the same run: stack images removed and BuildKit's cache pruned before each build.
// Needs the arm64 base images: FRAGMENTS_BASE_ARCH=all bash tools/setup.sh. Run: npm run bench:arch
'use strict';
const { spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const repo = resolve(__dirname, '../..');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');
const stack = ['--root', join(repo, 'examples/offline-stack'), '--profile', 'local'];

function run(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: repo, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout };
}
function cold(platform) {
  run('sh', ['-c', "docker images -q --filter 'reference=offline/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
  run('docker', ['builder', 'prune', '-af']);
  const r = run(process.execPath, [cli, ...stack, 'build', 'dev', '--network', 'none', '--progress', 'plain', '--platform', platform]);
  if (!/11 built/.test(r.stdout)) throw new Error(`expected 11 nodes built:\n${r.stdout}`);
  return r.ms;
}

console.log('== cold build of the offline stack (11 nodes: gcc compiles, COPY --from), same run');
const amd = cold('linux/amd64');
const arm = cold('linux/arm64');
console.log(`  linux/amd64 (native):          ${(amd / 1000).toFixed(1)} s`);
console.log(`  linux/arm64 (QEMU emulation):  ${(arm / 1000).toFixed(1)} s`);
console.log(`  ratio arm64/amd64: ${(arm / amd).toFixed(1)}x`);
run('sh', ['-c', "docker images -q --filter 'reference=offline/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
