#!/usr/bin/env node
// Benchmark: time to plan whole graphs, and hashing throughput + peak RSS on a large generated context.
// Printed figures, compared with a baseline measured in the same run (`sha256sum` over the same files):
// later changes can be compared against these numbers. Run: npm run bench:plan  [-- --mb 500 --files 20000]
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const repo = resolve(__dirname, '../..');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');
const { values } = parseArgs({ options: { mb: { type: 'string', default: '500' }, files: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const totalMb = Number(values.mb);
const fileCount = Number(values.files);
const runs = Number(values.runs);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

// 1. Planning: the whole CLI, cold process each time (what a user waits for), every variant, no engine.
console.log('== plan (fragments plan --no-engine, whole graph, all variants; median of %d cold runs)', runs);
const baseline = median(Array.from({ length: runs }, () => timeCommand(process.execPath, ['-e', '0']).ms));
for (const [name, args] of [
  ['real fragments (repo root)', ['plan', '--no-engine']],
  ['offline stack', ['--root', 'examples/offline-stack', '--profile', 'local', 'plan', '--no-engine']],
]) {
  const samples = Array.from({ length: runs }, () => timeCommand(process.execPath, [cli, ...args], { cwd: repo }).ms);
  const nodes = timeCommand(process.execPath, [cli, ...args, '--json'], { cwd: repo });
  const count = JSON.parse(nodes.stdout).nodes.length;
  console.log(`  ${name}: ${count} nodes, ${median(samples).toFixed(0)} ms (node start-up alone: ${baseline.toFixed(0)} ms; ratio ${(median(samples) / baseline).toFixed(1)}x)`);
}

// 2. Hashing a large context: files streamed, never read whole. Baseline: sha256sum over the same files.
const dir = mkdtempSync(join(tmpdir(), 'fragments-bench-'));
try {
  const ctx = join(dir, 'fragments/big');
  const perFile = Math.floor((totalMb * 1024 * 1024) / fileCount);
  console.log(`== hashing a generated context: ${fileCount} files, ${totalMb} MB (${perFile} bytes each; one 64 MB file among them)`);
  const chunk = Buffer.alloc(perFile);
  for (let i = 0; i < fileCount; i++) {
    const sub = join(ctx, `d${i % 100}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    chunk.writeUInt32LE(i, 0);
    writeFileSync(join(sub, `f${i}.bin`), chunk);
  }
  writeFileSync(join(ctx, 'large.bin'), Buffer.alloc(64 << 20, 7));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  writeFileSync(join(ctx, 'fragment.yaml'), 'image: bench/big\n');
  writeFileSync(join(dir, 'pins.yaml'), 'platforms: [linux/amd64]\n');
  const bytes = totalMb * 1024 * 1024 + (64 << 20);
  execFileSync('sync');

  const script = `
    const { loadGraph, makePlan } = require(${JSON.stringify(join(repo, 'packages/orchestrator/dist'))});
    const t0 = process.hrtime.bigint();
    makePlan(loadGraph({ root: ${JSON.stringify(dir)} }), { targets: ['big'], platforms: ['linux/amd64'] }).then(() => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
    });`;
  // Warm the page cache once so both sides read from memory, then measure each.
  timeCommand('sh', ['-c', `find ${ctx} -type f -print0 | xargs -0 cat > /dev/null`]);
  const ours = JSON.parse(timeCommand(process.execPath, ['-e', script]).stdout);
  const base = timeCommand('sh', ['-c', `cd ${ctx} && find . -type f -print0 | sort -z | xargs -0 sha256sum > /dev/null`]);
  const mbs = (ms) => (bytes / 1024 / 1024 / (ms / 1000)).toFixed(0);
  console.log(`  fragments hash: ${ours.ms.toFixed(0)} ms = ${mbs(ours.ms)} MB/s, peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB`);
  console.log(`  sha256sum (baseline, same files): ${base.ms.toFixed(0)} ms = ${mbs(base.ms)} MB/s`);
  console.log(`  ratio (ours / sha256sum time): ${(ours.ms / base.ms).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
