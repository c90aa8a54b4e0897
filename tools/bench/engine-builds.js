#!/usr/bin/env node
// Benchmarks against the real engine, each with a baseline measured in the same run (printed figures, not tests):
//   1. no-op `fragments build` of the offline example stack vs the same Dockerfiles sent as fully cached
//      `tar -c | curl --unix-socket … /build` requests;
//   2. context transfer of a generated context (default 500 MB / 20k files): our packer vs `tar -c | curl`, and our
//      peak RSS;
//   3. cold build of the example stack: three backends in parallel vs one after another.
// Needs: the engine and the fragments-local base images (tools/setup.sh). Run: npm run bench:engine [-- --mb 500]
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const repo = resolve(__dirname, '../..');
const dist = join(repo, 'packages/orchestrator/dist');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');
const stack = ['--root', join(repo, 'examples/offline-stack'), '--profile', 'local'];
const socket = (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const { values } = parseArgs({ options: { mb: { type: 'string', default: '500' }, files: { type: 'string', default: '20000' }, skip: { type: 'string', default: '' } } });
const skip = new Set(values.skip.split(',').filter(Boolean));

function run(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const fragments = (...args) => run(process.execPath, [cli, ...stack, ...args], { cwd: repo });

/** POST /build with a tar of `dir` made by GNU tar and sent by curl: what a shell script without us would do. */
function curlBuild(dir, query) {
  const qs = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
  const out = run('sh', ['-c', `tar -c -C '${dir}' . | curl -sS --fail --unix-socket '${socket}' -H 'Content-Type: application/x-tar' --data-binary @- 'http://localhost/v1.41/build?${qs}'`]);
  if (out.stdout.includes('"errorDetail"')) throw new Error(`curl build failed: ${out.stdout.slice(-500)}`);
  return out;
}

function removeStackImages() {
  const ids = run('docker', ['images', '-q', '--filter', 'reference=offline/*']).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) run('docker', ['rmi', '-f', ...new Set(ids)]);
}

// 1. No-op build
if (!skip.has('noop')) {
  console.log('== 1. no-op build of the offline stack (everything up to date)');
  fragments('build', 'dev', '--network', 'none', '--progress', 'plain');
  const ours = [1, 2, 3].map(() => fragments('build', 'dev', '--network', 'none', '--progress', 'plain').ms).sort((a, b) => a - b)[1];
  const plan = JSON.parse(fragments('plan', 'dev', '--json', '--no-engine').stdout);
  const t0 = Date.now();
  for (const node of plan.nodes) {
    const dir = join(repo, 'examples/offline-stack/fragments', node.fragment);
    curlBuild(dir, { version: '2', networkmode: 'none', t: `bench-noop/${node.id}:x`, buildargs: node.buildArgs, platform: node.platform });
  }
  const baseline = Date.now() - t0;
  run('sh', ['-c', "docker images -q 'bench-noop/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
  console.log(`  fragments build (all ${plan.nodes.length} up to date): ${sec(ours)} (median of 3, whole CLI)`);
  console.log(`  cached docker builds of the same ${plan.nodes.length} Dockerfiles via tar|curl: ${sec(baseline)}`);
  console.log(`  ratio: ${(ours / baseline).toFixed(2)}x the time of the cached builds`);
}

// 2. Context transfer
if (!skip.has('context')) {
  const dir = mkdtempSync(join(tmpdir(), 'fragments-bench-ctx-'));
  try {
    const files = Number(values.files);
    const per = Math.floor((Number(values.mb) * 1024 * 1024) / files);
    console.log(`== 2. context transfer: ${files} files, ${values.mb} MB`);
    const ctx = join(dir, 'fragments/big');
    const buf = Buffer.alloc(per);
    for (let i = 0; i < files; i++) {
      const sub = join(ctx, `d${i % 200}`);
      if (i < 200) mkdirSync(sub, { recursive: true });
      buf.writeUInt32LE(i, 0);
      writeFileSync(join(sub, `f${i}.bin`), buf);
    }
    // The build itself is trivial and cached after the first run: what is measured is sending and loading the context.
    writeFileSync(join(ctx, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nRUN true\n');
    writeFileSync(join(ctx, 'fragment.yaml'), 'image: bench-ctx/big\nbases: { BASE: busybox }\n');
    writeFileSync(join(dir, 'pins.yaml'), 'platforms: [linux/amd64]\nimages: { busybox: fragments-local/busybox:1.35.0-amd64 }\n');
    const script = `
      const o = require(${JSON.stringify(dist)});
      const { EngineBuilder } = require(${JSON.stringify(join(dist, 'orchestration/engine-builder'))});
      const { PlainProgressSink } = require(${JSON.stringify(join(dist, 'progress/plain-sink'))});
      const { Writable } = require('node:stream');
      (async () => {
        const plan = await o.makePlan(o.loadGraph({ root: ${JSON.stringify(dir)} }), { targets: ['big'], platforms: ['linux/amd64'] });
        const engine = await require(${JSON.stringify(join(dist, 'engine/connect-engine'))}).connectEngine();
        const builder = new EngineBuilder(engine, { networkMode: 'none', progress: new PlainProgressSink(new Writable({ write(c, e, cb) { cb(); } })) });
        const rssBefore = process.resourceUsage().maxRSS;
        const t0 = process.hrtime.bigint();
        await builder.build(plan.builds[0], new AbortController().signal);
        console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, maxRssKb: process.resourceUsage().maxRSS, rssBeforeKb: rssBefore }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    run(process.execPath, ['-e', script]); // warm: page cache and BuildKit's cache of the trivial RUN
    const ours = JSON.parse(run(process.execPath, ['-e', script]).stdout);
    const plan = JSON.parse(run(process.execPath, [cli, '--root', dir, 'plan', 'big', '--json', '--no-engine']).stdout);
    curlBuild(ctx, { version: '2', networkmode: 'none', t: 'bench-ctx/curl:x', buildargs: plan.nodes[0].buildArgs });
    const base = curlBuild(ctx, { version: '2', networkmode: 'none', t: 'bench-ctx/curl:x', buildargs: plan.nodes[0].buildArgs });
    run('sh', ['-c', "docker images -q 'bench-ctx/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
    console.log(`  fragments packer -> /build: ${sec(ours.ms)}, peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB (before the build: ${(ours.rssBeforeKb / 1024).toFixed(0)} MB)`);
    console.log(`  tar -c | curl --unix-socket -> /build: ${sec(base.ms)}`);
    console.log(`  ratio: ${(ours.ms / base.ms).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 3. Cold builds
if (!skip.has('cold')) {
  console.log('== 3. cold build of the offline stack (images removed, BuildKit cache pruned before each run)');
  const cold = (parallel) => {
    removeStackImages();
    run('docker', ['builder', 'prune', '-af']);
    return fragments('build', 'dev', '--network', 'none', '--progress', 'plain', '--parallel', String(parallel)).ms;
  };
  const serial = cold(1);
  const parallel = cold(3);
  console.log(`  one after another (--parallel 1): ${sec(serial)}`);
  console.log(`  three backends at once (--parallel 3): ${sec(parallel)}`);
  console.log(`  ratio parallel/serial: ${(parallel / serial).toFixed(2)}x (2 cores)`);
  removeStackImages();
}
