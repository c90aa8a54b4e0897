#!/usr/bin/env node
// Benchmark: start-up of the fragments CLI and of nx with our plugin, each against `node -e 0` measured in the same
// run (printed figures, not tests). With --before DIR (another checkout, installed and built, e.g. the commit before
// a change), the same commands run from it too, for a before/after in one run.
// Run: npm run bench:startup [-- --runs 7 --before /tmp/base-checkout]
'use strict';
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { measureAgainst, measureMedian, ratio } = require('./lib/measure');

const repo = resolve(__dirname, '../..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, before: { type: 'string' }, 'no-nx': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const checkouts = [['this checkout', repo], ...(values.before ? [['before (' + values.before + ')', resolve(values.before)]] : [])];
const stack = ['--root', 'examples/offline-stack', '--profile', 'local'];

const node = measureMedian(runs, process.execPath, ['-e', '0']);
console.log(`== start-up (median of ${runs} cold processes, each alternated with node -e 0; node -e 0 alone: ${node.wall.toFixed(3)} s)`);
const commands = [
  ['fragments --version', ['--version']],
  ['fragments list (offline stack)', [...stack, 'list']],
  ['fragments plan --no-engine (offline stack, 11 nodes)', [...stack, 'plan', 'dev', '--no-engine']],
  ['fragments lint (real fragments)', ['lint']],
];
for (const [name, args] of commands) {
  for (const [label, dir] of checkouts) {
    const cli = join(dir, 'packages/orchestrator/bin/fragments.js');
    // lint exits 1 when it has findings; what is measured is the time to get there.
    const { ours: r, base: node } = measureAgainst(runs, ['sh', ['-c', `"${process.execPath}" "${cli}" ${args.join(' ')} >/dev/null; true`], { cwd: dir }], ['sh', ['-c', `"${process.execPath}" -e 0`]]);
    console.log(`  ${name} [${label}]: ${r.wall.toFixed(3)} s = ${ratio(r.wall, node.wall)} node -e 0 (CPU ${ratio(r.cpu, node.cpu)}), peak RSS ${r.rssMb.toFixed(0)} MB`);
  }
}
// Why the graph commands cost what they cost: the libraries every one of them needs to read and check the
// workspace, each required alone in a fresh process: CPU time over that of node -e 0 (steadier than wall time on
// a busy machine).
const orchestrator = join(repo, 'packages/orchestrator');
const libs = ['yaml', 'zod', 'dockerfile-ast', 'commander', 'dockerode'].map((lib) => {
  const r = measureMedian(runs, process.execPath, ['-e', `require(${JSON.stringify(require.resolve(lib, { paths: [orchestrator] }))})`]);
  return `${lib} +${((r.cpu - node.cpu) * 1000).toFixed(0)} ms`;
});
console.log(`  CPU to load each library alone (node -e 0 itself: ${(node.cpu * 1000).toFixed(0)} ms): ${libs.join(', ')} (dockerode: only to send a build)`);

if (!values['no-nx']) {
  const nxRuns = Math.max(3, Math.ceil(runs / 2));
  console.log(`== NX_DAEMON=false npx nx show projects (real workspace, median of ${nxRuns})`);
  for (const [label, dir] of checkouts) {
    const r = measureMedian(nxRuns, 'npx', ['nx', 'show', 'projects'], { cwd: dir, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
    const projects = r.last.stdout.split('\n').filter(Boolean).length;
    console.log(`  [${label}]: ${r.wall.toFixed(3)} s (${projects} projects) = ${ratio(r.wall, node.wall)} node -e 0, CPU ${r.cpu.toFixed(2)} s`);
  }
}
