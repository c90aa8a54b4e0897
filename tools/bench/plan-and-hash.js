#!/usr/bin/env node
// Benchmark: planning time, hashing throughput and peak RSS, each against a baseline measured in the same run
// (printed figures, not tests):
//   1. `fragments plan --no-engine` of the real fragments and of the offline stack vs `node -e 0`;
//   2. a generated context (default 500 MB in 20,000 files, plus one 64 MB file):
//      - cold hashing (no digest cache) vs `sha256sum` over the same files   goal: >= 0.9x its throughput
//      - warm `fragments plan` (digest cache filled) vs `node -e 0`           goal: <= 3x
// Run: npm run bench:plan  [-- --mb 500 --files 20000 --runs 5]
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { generateContext, measure, measureAgainst, median, ratio, verdict } = require('./lib/measure');

const repo = resolve(__dirname, '../..');
const dist = join(repo, 'packages/orchestrator/dist');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');
const { values } = parseArgs({ options: { mb: { type: 'string', default: '500' }, files: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

const nodeE0 = [process.execPath, ['-e', '0']];
console.log(`== 1. plan --no-engine, whole graphs, all variants (median of ${runs} cold processes, alternated with node -e 0)`);
for (const [name, args] of [
  ['real fragments (repo root)', ['plan', '--no-engine']],
  ['offline stack', ['--root', 'examples/offline-stack', '--profile', 'local', 'plan', '--no-engine']],
]) {
  const { ours: r, base: node } = measureAgainst(runs, [process.execPath, [cli, ...args], { cwd: repo }], nodeE0);
  const count = JSON.parse(measure(process.execPath, [cli, ...args, '--json'], { cwd: repo }).stdout).nodes.length;
  console.log(`  ${name}: ${count} nodes, ${r.wall.toFixed(3)} s = ${ratio(r.wall, node.wall)} node -e 0 (${node.wall.toFixed(3)} s); CPU ${ratio(r.cpu, node.cpu)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'fragments-bench-'));
try {
  const { root, ctx, bytes } = generateContext(dir, { mb: Number(values.mb), files: Number(values.files), largeFile: true });
  const mb = bytes / 1024 / 1024;
  console.log(`== 2. a generated context: ${values.files} files + one of 64 MB, ${mb.toFixed(0)} MB`);
  // Files written in the last 2 s are not trusted by the digest cache (racy-git rule): let them settle.
  execFileSync('sync');
  execFileSync('sleep', ['2.2']);
  // Warm the page cache so both sides read from memory.
  execFileSync('sh', ['-c', `find '${ctx}' -type f -print0 | xargs -0 cat > /dev/null`]);

  // Cold: the library in a fresh process with an in-memory cache (nothing remembered), walk + hash only.
  const coldScript = `
    const o = require(${JSON.stringify(dist)});
    const { DigestCache } = require(${JSON.stringify(join(dist, 'hash/digest-cache'))});
    const graph = o.loadGraph({ root: ${JSON.stringify(root)} });
    const t0 = process.hrtime.bigint();
    o.makePlan(graph, { targets: ['big'], platforms: ['linux/amd64'], digestCache: DigestCache.inMemory() }).then(() => {
      console.log(JSON.stringify({ s: Number(process.hrtime.bigint() - t0) / 1e9 }));
    });`;
  const coldRuns = Array.from({ length: Math.min(runs, 3) }, () => {
    const r = measure(process.execPath, ['-e', coldScript]);
    return { s: JSON.parse(r.stdout).s, rssMb: r.rssMb };
  });
  const cold = median(coldRuns.map((r) => r.s));
  const shaRuns = Array.from({ length: Math.min(runs, 3) }, () => measure('sh', ['-c', `cd '${ctx}' && find . -type f -print0 | sort -z | xargs -0 sha256sum > /dev/null`]).wall);
  const sha = median(shaRuns);
  console.log(`  cold hashing (walk + sha256 of every file, no cache): ${cold.toFixed(2)} s = ${(mb / cold).toFixed(0)} MB/s, peak RSS ${median(coldRuns.map((r) => r.rssMb)).toFixed(0)} MB`);
  console.log(`  sha256sum, same files (baseline): ${sha.toFixed(2)} s = ${(mb / sha).toFixed(0)} MB/s`);
  console.log(`  throughput ratio (ours / sha256sum): ${(sha / cold).toFixed(2)}x  (${verdict(sha / cold, 0.9, 'higher')})`);

  // Warm: the whole CLI, each run a new process, with the digest cache a first run filled.
  const env = { ...process.env, FRAGMENTS_CACHE_DIR: join(dir, 'cache') };
  const planArgs = [cli, '--root', root, 'plan', 'big', '--no-engine'];
  const first = measure(process.execPath, planArgs, { env });
  const { ours: warm, base: node } = measureAgainst(runs, [process.execPath, planArgs, { env }], nodeE0);
  console.log(`  first fragments plan (fills the digest cache, whole CLI): ${first.wall.toFixed(2)} s`);
  console.log(`  warm fragments plan (whole CLI, median of ${runs}): ${warm.wall.toFixed(3)} s, ${warm.cpu.toFixed(2)} s CPU, peak RSS ${warm.rssMb.toFixed(0)} MB; node -e 0: ${node.wall.toFixed(3)} s, ${node.cpu.toFixed(2)} s CPU`);
  console.log(`  ratio: ${ratio(warm.wall, node.wall)} node -e 0 (CPU ${ratio(warm.cpu, node.cpu)})  (${verdict(warm.wall / node.wall, 3)})`);
  // The floor of any warm plan that checks every file, as git's index does: a node process that only walks the
  // context (readdir) and lstats each file, keeping nothing.
  const floorScript = `
    const fs = require('node:fs'); const path = require('node:path');
    const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) { const p = path.join(dir, e.name); fs.lstatSync(p, { bigint: true }); if (e.isDirectory()) walk(p); } };
    walk(${JSON.stringify(ctx)});`;
  const { ours: floor, base: node2 } = measureAgainst(runs, [process.execPath, ['-e', floorScript]], nodeE0);
  console.log(`  floor, a bare walk + lstat of every file (no hashing, no cache, no CLI): ${floor.wall.toFixed(3)} s = ${ratio(floor.wall, node2.wall)} node -e 0; the warm plan is ${ratio(warm.wall, floor.wall)} of it`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
