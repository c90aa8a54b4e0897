import { chmodSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { makePlan } from '../../../src/plan/make-plan';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

/** Hash of every node (linux/amd64), keyed by node id. */
async function hashes(ws: TempWorkspace, profile?: string): Promise<Record<string, string>> {
  const plan = await makePlan(loadGraph({ root: ws.root, profile }), { targets: [], platforms: ['linux/amd64'] });
  return Object.fromEntries(plan.builds.map((b) => [b.node.id, b.hash]));
}

describe('content hash', () => {
  let ws: TempWorkspace;
  let before: Record<string, string>;

  beforeEach(async () => {
    ws = tempWorkspace(validWorkspaceFiles());
    before = await hashes(ws);
  });
  afterEach(() => ws.remove());

  const changedNodes = async () => {
    const after = await hashes(ws);
    return Object.keys(after).filter((id) => after[id] !== before[id]).sort();
  };
  const everything = ['base', 'mid', 'top.a', 'top.b'];

  describe('each kind of input changes the hash of the node and its dependents', () => {
    it('a context file', async () => {
      ws.write('fragments/base/hello.txt', 'hello again\n');
      expect(await changedNodes()).toEqual(everything);
    });
    it('a new context file', async () => {
      ws.write('fragments/mid/extra.txt', 'x');
      expect(await changedNodes()).toEqual(['mid', 'top.a', 'top.b']);
    });
    it('the executable bit', async () => {
      chmodSync(join(ws.root, 'fragments/base/hello.txt'), 0o755);
      expect(await changedNodes()).toEqual(everything);
    });
    it('a symlink target', async () => {
      symlinkSync('hello.txt', join(ws.root, 'fragments/base/link'));
      expect(await changedNodes()).toEqual(everything);
    });
    it('the Dockerfile', async () => {
      ws.write('fragments/mid/Dockerfile', 'ARG BASE\nFROM ${BASE} AS base\nARG MODE\nRUN echo $MODE changed\n');
      expect(await changedNodes()).toEqual(['mid', 'top.a', 'top.b']);
    });
    it('a literal build arg', async () => {
      ws.write('fragments/mid/fragment.yaml', 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: debug }\n');
      expect(await changedNodes()).toEqual(['mid', 'top.a', 'top.b']);
    });
    it('a version pin the node uses', async () => {
      ws.write('pins.yaml', validWorkspaceFiles()['pins.yaml'].replace('"1.2.3"', '"1.2.4"'));
      expect(await changedNodes()).toEqual(everything);
    });
    it('a base image reference', async () => {
      ws.write('pins.yaml', validWorkspaceFiles()['pins.yaml'].replace('busybox:1.35', 'busybox:1.36'));
      expect(await changedNodes()).toEqual(everything);
    });
    it('a lock digest for the base image', async () => {
      ws.write('pins.lock.yaml', `images:\n  busybox:\n    linux/amd64: { ref: "local/busybox:1.35", digest: "sha256:${'a'.repeat(64)}" }\n`);
      expect(await changedNodes()).toEqual(everything);
    });
    it('the target', async () => {
      ws.write('fragments/mid/Dockerfile', 'ARG BASE\nFROM ${BASE} AS base\nARG MODE\nRUN echo $MODE\nFROM base AS final\n');
      const mid = await hashes(ws);
      ws.write('fragments/mid/fragment.yaml', 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ntarget: base\n');
      const after = await hashes(ws);
      expect(after.mid).not.toBe(mid.mid);
    });
    it('a profile that overrides a used pin', async () => {
      ws.write('profiles/local.yaml', 'images: { busybox: "local/busybox:other" }\n');
      const withProfile = await hashes(ws, 'local');
      expect(withProfile.base).not.toBe(before.base);
    });
    it('the platform', async () => {
      const graph = loadGraph({ root: ws.root });
      const arm = await makePlan(graph, { targets: ['base'], platforms: ['linux/arm64'] });
      expect(arm.builds[0].hash).not.toBe(before.base);
    });
    it('only the variant whose value changed', async () => {
      ws.write('fragments/top/fragment.yaml', 'image: test/top-${flavor}\nuses: { MID: mid }\nargs: { FLAVOR: "${flavor}" }\nvariants: { flavor: [a, c] }\n');
      const after = await hashes(ws);
      expect(after['top.a']).toBe(before['top.a']);
      expect(after['top.c']).toBeDefined();
    });
  });

  describe('irrelevant changes leave it unchanged', () => {
    it('a file excluded by .dockerignore', async () => {
      ws.write('fragments/base/.dockerignore', 'ignored/\n');
      const withIgnore = await hashes(ws);
      ws.write('fragments/base/ignored/big.bin', 'x'.repeat(1000));
      expect(await hashes(ws)).toEqual(withIgnore);
    });
    it('a file excluded by the Dockerfile-specific ignore file', async () => {
      ws.write('fragments/base/Dockerfile.dockerignore', 'scratch.txt\n');
      const withIgnore = await hashes(ws);
      ws.write('fragments/base/scratch.txt', 'notes');
      expect(await hashes(ws)).toEqual(withIgnore);
    });
    it('a pin no node of the closure uses', async () => {
      ws.write('pins.yaml', validWorkspaceFiles()['pins.yaml'].replace('"9.9.9"', '"10.0.0"'));
      expect(await changedNodes()).toEqual([]);
    });
    it('an image pin no node uses', async () => {
      ws.write('pins.yaml', validWorkspaceFiles()['pins.yaml'].replace('local/other:1', 'local/other:2'));
      expect(await changedNodes()).toEqual([]);
    });
    it('key order in YAML', async () => {
      ws.write('fragments/mid/fragment.yaml', 'args: { MODE: release }\nuses: { BASE: base }\nimage: test/mid\n');
      ws.write('pins.yaml', 'versions:\n  unused: "9.9.9"\n  tool: "1.2.3"\nimages:\n  other: local/other:1\n  busybox: local/busybox:1.35\nplatforms: [linux/amd64, linux/arm64]\n');
      expect(await changedNodes()).toEqual([]);
    });
    it('permission bits other than "executable" (checkout umask)', async () => {
      chmodSync(join(ws.root, 'fragments/base/hello.txt'), 0o664);
      chmodSync(join(ws.root, 'fragments/base'), 0o775);
      expect(await changedNodes()).toEqual([]);
    });
    it('mtimes', async () => {
      utimesSync(join(ws.root, 'fragments/base/hello.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      expect(await changedNodes()).toEqual([]);
    });
    it('a lock entry resolved from another reference', async () => {
      ws.write('pins.lock.yaml', `images:\n  busybox:\n    linux/amd64: { ref: "local/busybox:0.1", digest: "sha256:${'a'.repeat(64)}" }\n`);
      expect(await changedNodes()).toEqual([]);
    });
    it('the order in which targets are requested', async () => {
      const graph = loadGraph({ root: ws.root });
      const one = await makePlan(graph, { targets: ['top', 'base'], platforms: ['linux/amd64'] });
      const two = await makePlan(graph, { targets: ['base', 'top.b', 'top.a'], platforms: ['linux/amd64'] });
      expect(one.builds.map((b) => [b.key, b.hash])).toEqual(two.builds.map((b) => [b.key, b.hash]));
    });
  });

  it('tags are <image>:<first 16 hex of the hash>', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['top.b'], platforms: ['linux/amd64'] });
    const top = plan.builds.find((b) => b.key === 'top.b')!;
    expect(top.tag).toBe(`test/top-b:${top.hash.slice(0, 16)}`);
    expect(top.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(top.buildArgs.MID).toBe(plan.builds.find((b) => b.key === 'mid')!.tag);
  });
});
