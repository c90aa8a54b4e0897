'use strict';
// Shared by the benchmark scripts: timing of whole processes (wall, CPU of the process and its children, peak RSS),
// medians, and the generated large context.
const { spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs a command under GNU time: wall seconds, user+system CPU seconds of it and every child it waited for (a shell
 * pipeline counts tar and curl both), and peak RSS in MB of the largest of them.
 */
function measure(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  const line = (r.stderr.match(/@@TIME .*/g) || []).pop();
  if (r.status !== 0 || !line) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000) || r.stdout.slice(-2000)}`);
  const [wall, user, sys, rssKb] = line.split(' ').slice(1).map(Number);
  return { wall, cpu: user + sys, rssMb: rssKb / 1024, stdout: r.stdout, stderr: r.stderr.replace(/@@TIME .*\n?/, '') };
}

/** Median wall, CPU and RSS of `runs` runs. */
function measureMedian(runs, cmd, args, opts) {
  const samples = Array.from({ length: runs }, () => measure(cmd, args, opts));
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rssMb: median(samples.map((s) => s.rssMb)), last: samples[samples.length - 1] };
}

/**
 * Medians of `runs` runs of a command and of its baseline, alternated run by run: on a shared machine the load
 * changes from one second to the next, and a ratio is only fair when both sides saw the same load.
 * `subject` and `baseline` are [cmd, args, opts].
 */
function measureAgainst(runs, subject, baseline) {
  const ours = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    base.push(measure(...baseline));
    ours.push(measure(...subject));
  }
  const med = (xs) => ({ wall: median(xs.map((s) => s.wall)), cpu: median(xs.map((s) => s.cpu)), rssMb: median(xs.map((s) => s.rssMb)), last: xs[xs.length - 1] });
  return { ours: med(ours), base: med(base) };
}

/**
 * A workspace with one fragment `big` whose context holds `files` files totalling `mb` MB in 100 folders, plus one
 * 64 MB file when `largeFile` (streamed in chunks rather than read whole). Returns its root and context folder.
 */
function generateContext(dir, { mb, files, largeFile = false, dockerfile = 'FROM scratch\nCOPY . /\n', fragmentYaml = 'image: bench/big\n', pins = 'platforms: [linux/amd64]\n' }) {
  const ctx = join(dir, 'fragments/big');
  const per = Math.floor((mb * 1024 * 1024) / files);
  const chunk = Buffer.alloc(per);
  for (let i = 0; i < files; i++) {
    const sub = join(ctx, `d${i % 100}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    chunk.writeUInt32LE(i, 0);
    writeFileSync(join(sub, `f${i}.bin`), chunk);
  }
  if (largeFile) writeFileSync(join(ctx, 'large.bin'), Buffer.alloc(64 << 20, 7));
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
  writeFileSync(join(ctx, 'fragment.yaml'), fragmentYaml);
  writeFileSync(join(dir, 'pins.yaml'), pins);
  return { root: dir, ctx, bytes: files * per + (largeFile ? 64 << 20 : 0) };
}

const ratio = (ours, base) => `${(ours / base).toFixed(2)}x`;
const verdict = (value, goal, better = 'lower') => (better === 'lower' ? value <= goal : value >= goal) ? `goal ${better === 'lower' ? '<=' : '>='} ${goal}: met` : `goal ${better === 'lower' ? '<=' : '>='} ${goal}: NOT met`;

module.exports = { median, measure, measureMedian, measureAgainst, generateContext, ratio, verdict };
