import { resolve } from 'node:path';
import type { FragmentGraph } from '../../../src/graph/fragment-graph';
import { makePlan } from '../../../src/plan/make-plan';
import { loadGraph } from '../../../src/graph/load-graph';

const repo = resolve(__dirname, '../../../../..');
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const BACKENDS = ['vllm', 'sglang', 'trtllm'];

/** node id -> hash, per platform, from the same plan logic as `fragments plan --json --no-engine`. */
async function hashes(graph: FragmentGraph): Promise<Map<string, string>> {
  const plan = await makePlan(graph, { targets: [], platforms: PLATFORMS });
  return new Map(plan.builds.map((b) => [b.key, b.hash]));
}

/** Node ids (not keys) whose hash differs on any platform after `edit` is applied to a fresh copy of the pins. */
async function changedBy(profile: string | undefined, edit: (pins: FragmentGraph['pins']) => void): Promise<string[]> {
  const before = await hashes(loadGraph({ root: repo, profile }));
  const graph = loadGraph({ root: repo, profile });
  edit(graph.pins);
  const after = await hashes(graph);
  const changed = new Set<string>();
  for (const [key, hash] of after) if (before.get(key) !== hash) changed.add(key.split('@')[0]);
  return [...changed].sort();
}

/** A download URL with `from` replaced by `to` on every platform (a version bump edits the URL with the version). */
function bumpUrl(pins: FragmentGraph['pins'], key: string, from: string, to: string) {
  const url = pins.downloads[key].url;
  pins.downloads[key] = {
    url: typeof url === 'string' ? url.split(from).join(to) : Object.fromEntries(Object.entries(url).map(([p, u]) => [p, u.split(from).join(to)])),
  };
}

/**
 * Tiers that follow change frequency (issue 9, point 1), computed from plans of the real fragments: a pin change
 * re-tags exactly the nodes that carry it. No hash is hard-coded: each case compares two plans.
 */
describe.each([undefined, 'upstream'])('tiers of the real fragments (profile %s)', (profile) => {
  it('versions.dynamo changed: only dynamo, frontend, planner, runtime.* and dev.* change; no framework node', async () => {
    const changed = await changedBy(profile, (pins) => {
      const old = pins.versions.dynamo;
      pins.versions.dynamo = 'v9.9.9';
      bumpUrl(pins, 'dynamo-source', old, 'v9.9.9');
    });
    expect(changed).toEqual(['dev.sglang', 'dev.trtllm', 'dev.vllm', 'dynamo', 'frontend', 'planner', 'runtime.sglang', 'runtime.trtllm', 'runtime.vllm']);
  });

  it('versions.nixl changed: no backend-* node changes', async () => {
    const changed = await changedBy(profile, (pins) => (pins.versions.nixl = 'v9.9.9'));
    expect(changed).toContain('nixl');
    expect(changed.filter((id) => id.startsWith('backend-'))).toEqual([]);
    expect(changed).not.toContain('toolchain');
    expect(changed).not.toContain('build-base');
  });

  it('versions.vllm changed: only the vLLM nodes change', async () => {
    const changed = await changedBy(profile, (pins) => {
      const old = pins.versions.vllm;
      pins.versions.vllm = 'v9.9.9';
      for (const arch of ['amd64', 'arm64']) bumpUrl(pins, `vllm-wheel-${arch}`, old.replace(/^v/, ''), '9.9.9');
    });
    expect(changed).toEqual(['backend-vllm', 'dev.vllm', 'runtime.vllm']);
  });

  it.each(['sglang', 'tensorrt-llm'])('versions.%s changed: only that framework\'s nodes change', async (key) => {
    const backend = key === 'tensorrt-llm' ? 'trtllm' : key;
    const changed = await changedBy(profile, (pins) => (pins.versions[key] = 'v9.9.9'));
    expect(changed).toEqual([`backend-${backend}`, `dev.${backend}`, `runtime.${backend}`]);
  });

  it('no framework node has the dynamo or nixl node in its closure', () => {
    const graph = loadGraph({ root: repo, profile });
    const closure = (id: string): Set<string> => {
      const seen = new Set<string>();
      const walk = (n: string) => Object.values(graph.nodes.get(n)!.uses).forEach((up) => (seen.has(up) ? undefined : (seen.add(up), walk(up))));
      walk(id);
      return seen;
    };
    for (const id of [...BACKENDS.map((b) => `backend-${b}`), 'backend-base.cu130', 'backend-base.cu131']) {
      const ups = closure(id);
      expect({ id, dynamo: ups.has('dynamo'), nixl: ups.has('nixl'), buildBase: ups.has('build-base') }).toEqual({ id, dynamo: false, nixl: false, buildBase: false });
    }
  });
});
