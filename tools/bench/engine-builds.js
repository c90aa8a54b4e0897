#!/usr/bin/env node
// Benchmarks against the real engine, each with a baseline measured in the same run (printed figures, not tests):
//   1. no-op `fragments build` of the offline example stack vs `node -e 0` (goal <= 2.5x) and vs the same
//      Dockerfiles sent as fully cached `tar -c | curl --unix-socket … /build` requests;
//   2. Dockerfile-edit rebuild of a generated context (default 500 MB / 20k files), whole CLI (plan with a warm digest
//      cache, pack, send, build) vs `tar -c | curl` of the same context to /build?version=2: wall (goal <= 1.1x),
//      CPU (goal <= 1.5x) and our peak RSS (goal < 150 MB); and the packer alone, ours vs tar-fs;
//   3. cold build of the example stack: three backends in parallel vs one after another.
// Run it under the shared engine lock: flock /tmp/fragments-engine.lock npm run bench:engine
// Needs: the engine and the fragments-local base images (tools/setup.sh). Run: npm run bench:engine [-- --mb 500]
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { generateContext, measure, measureAgainst, median, ratio, verdict } = require('./lib/measure');

const repo = resolve(__dirname, '../..');
const dist = join(repo, 'packages/orchestrator/dist');
const cli = join(repo, 'packages/orchestrator/bin/fragments.js');
const stack = ['--root', join(repo, 'examples/offline-stack'), '--profile', 'local'];
const socket = (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const { values } = parseArgs({ options: { mb: { type: 'string', default: '500' }, files: { type: 'string', default: '20000' }, skip: { type: 'string', default: '' }, runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
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
  const { ours: noop, base: node } = measureAgainst(runs, [process.execPath, [cli, ...stack, 'build', 'dev', '--network', 'none', '--progress', 'plain'], { cwd: repo }], [process.execPath, ['-e', '0']]);
  const ours = noop.wall * 1000;
  const plan = JSON.parse(fragments('plan', 'dev', '--json', '--no-engine').stdout);
  const t0 = Date.now();
  for (const node of plan.nodes) {
    const dir = join(repo, 'examples/offline-stack/fragments', node.fragment);
    curlBuild(dir, { version: '2', networkmode: 'none', t: `bench-noop/${node.id}:x`, buildargs: node.buildArgs, platform: node.platform });
  }
  const baseline = Date.now() - t0;
  run('sh', ['-c', "docker images -q 'bench-noop/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
  console.log(`  fragments build (all ${plan.nodes.length} up to date): ${sec(ours)} (median of ${runs}, whole CLI), peak RSS ${noop.rssMb.toFixed(0)} MB`);
  console.log(`  node -e 0 (baseline, alternated): ${node.wall.toFixed(3)} s; ratio ${ratio(noop.wall, node.wall)} (CPU ${ratio(noop.cpu, node.cpu)})  (${verdict(noop.wall / node.wall, 2.5)})`);
  console.log(`  cached docker builds of the same ${plan.nodes.length} Dockerfiles via tar|curl: ${sec(baseline)}; ratio ${(ours / baseline).toFixed(2)}x`);
}

// 2. Dockerfile-edit rebuild of a large context
if (!skip.has('context')) {
  const dir = mkdtempSync(join(tmpdir(), 'fragments-bench-ctx-'));
  try {
    console.log(`== 2. Dockerfile-edit rebuild: ${values.files} files, ${values.mb} MB (median of ${runs}, runs alternated)`);
    const { root, ctx } = generateContext(dir, {
      mb: Number(values.mb),
      files: Number(values.files),
      dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN true\n',
      fragmentYaml: 'image: bench-ctx/big\nbases: { BASE: busybox }\n',
      pins: 'platforms: [linux/amd64]\nimages: { busybox: fragments-local/busybox:1.35.0-amd64 }\n',
    });
    execFileSync('sleep', ['2.2']); // let the files settle (racy-git rule), as they would in a checkout
    const env = { ...process.env, FRAGMENTS_CACHE_DIR: join(dir, 'cache') };
    const base = 'fragments-local/busybox:1.35.0-amd64';
    // Each run edits the Dockerfile (a new RUN step), so BuildKit runs one step; the whole context is sent each time.
    const edit = (nonce) => writeFileSync(join(ctx, 'Dockerfile'), `ARG BASE\nFROM \${BASE}\nRUN echo ${nonce}\n`);
    const oursCmd = [cli, '--root', root, 'build', 'big', '--network', 'none', '--progress', 'plain'];
    const qs = `version=2&networkmode=none&t=bench-ctx/curl:x&buildargs=${encodeURIComponent(JSON.stringify({ BASE: base }))}`;
    const curlCmd = ['-c', `tar -c -C '${ctx}' . | curl -sS --fail --unix-socket '${socket}' -H 'Content-Type: application/x-tar' --data-binary @- 'http://localhost/build?${qs}' | grep -q errorDetail && exit 1 || exit 0`];
    edit('warm-up');
    measure(process.execPath, oursCmd, { cwd: repo, env }); // fills the digest cache, warms the page cache
    measure('sh', curlCmd);
    const ours = [];
    const curl = [];
    for (let i = 0; i < runs; i++) {
      edit(`ours-${process.pid}-${i}`);
      ours.push(measure(process.execPath, oursCmd, { cwd: repo, env }));
      edit(`curl-${process.pid}-${i}`);
      curl.push(measure('sh', curlCmd));
    }
    const m = (xs, k) => median(xs.map((x) => x[k]));
    console.log(`  fragments build (whole CLI): ${m(ours, 'wall').toFixed(2)} s wall, ${m(ours, 'cpu').toFixed(2)} s CPU, peak RSS ${m(ours, 'rssMb').toFixed(0)} MB  (${verdict(m(ours, 'rssMb'), 150)})`);
    console.log(`  tar -c | curl --unix-socket (baseline): ${m(curl, 'wall').toFixed(2)} s wall, ${m(curl, 'cpu').toFixed(2)} s CPU (tar + curl)`);
    console.log(`  wall ratio: ${ratio(m(ours, 'wall'), m(curl, 'wall'))}  (${verdict(m(ours, 'wall') / m(curl, 'wall'), 1.1)})`);
    console.log(`  CPU ratio: ${ratio(m(ours, 'cpu'), m(curl, 'cpu'))}  (${verdict(m(ours, 'cpu') / m(curl, 'cpu'), 1.5)})`);

    // The packer alone, to a null sink: ours vs tar-fs (which it replaced) on the same entries.
    const packScript = (which) => `
      const o = require(${JSON.stringify(dist)});
      const { Writable } = require('node:stream');
      const { canonicalMode } = require(${JSON.stringify(join(dist, 'context/canonical-mode'))});
      (async () => {
        const plan = await o.makePlan(o.loadGraph({ root: ${JSON.stringify(root)} }), { targets: ['big'], platforms: ['linux/amd64'] });
        const b = plan.builds[0];
        const types = { file: 'file', directory: 'dir', symlink: 'symlink' };
        const tar = ${JSON.stringify(which)} === 'ours'
          ? require(${JSON.stringify(join(dist, 'pack/pack-context'))}).packContext({ contextDir: b.node.contextDir, entries: b.content.entries, expectedFiles: b.content.inputs.files })
          : require('tar-fs').pack(b.node.contextDir, { entries: b.content.entries.map((e) => e.relPath), ignore: () => true, umask: 0, dereference: false,
              map: (h) => ({ ...h, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), mode: canonicalMode(types[h.type] ?? 'file', h.mode ?? 0) }) });
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await new Promise((resolve, reject) => { tar.on('error', reject); tar.pipe(new Writable({ write(c, e, cb) { cb(); } })).on('finish', resolve); });
        const cpu = process.cpuUsage(cpu0);
        console.log(JSON.stringify({ wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 }));
      })();`;
    const pack = (which) => JSON.parse(run(process.execPath, ['-e', packScript(which)], { cwd: join(repo, 'packages/orchestrator'), env }).stdout);
    const ourPack = pack('ours');
    const tarFs = pack('tar-fs');
    const gnuTar = measure('sh', ['-c', `tar -c -C '${ctx}' . | cat > /dev/null`]); // GNU tar skips reading files when writing to /dev/null itself
    console.log(`  packer alone, to a null sink: ours ${ourPack.wall.toFixed(2)} s wall / ${ourPack.cpu.toFixed(2)} s CPU; tar-fs ${tarFs.wall.toFixed(2)} s / ${tarFs.cpu.toFixed(2)} s CPU; GNU tar ${gnuTar.wall.toFixed(2)} s / ${gnuTar.cpu.toFixed(2)} s CPU`);
    run('sh', ['-c', "docker images -q 'bench-ctx/*' | sort -u | xargs -r docker rmi -f >/dev/null"]);
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
