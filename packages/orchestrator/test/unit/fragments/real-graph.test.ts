import { resolve } from 'node:path';
import { AUTOMATIC_PLATFORM_ARGS } from '../../../src/dockerfile/dockerfile-facts';
import type { FragmentGraph } from '../../../src/graph/fragment-graph';
import { makePlan } from '../../../src/plan/make-plan';
import { selectClosure } from '../../../src/plan/select-nodes';
import { loadGraph } from '../../../src/graph/load-graph';

const repo = resolve(__dirname, '../../../../..');
const BACKENDS = ['vllm', 'sglang', 'trtllm'];

/**
 * The real Dynamo fragments cannot be built here (no nvcr.io, quay.io, GitHub or PyPI): these checks prove statically
 * that they have the shape the design proposal asks for, under every profile.
 */
describe.each([undefined, 'upstream'])('the real fragments (profile %s)', (profile) => {
  let graph: FragmentGraph;
  beforeAll(() => (graph = loadGraph({ root: repo, profile })));

  const closure = (id: string) => selectClosure(graph, [id]);
  const dockerfile = (id: string) => graph.nodes.get(id)!.fragment.facts.text;

  it('has every stage of the proposal as a node', () => {
    for (const id of ['nixl', 'dynamo', ...BACKENDS.flatMap((b) => [`backend-${b}`, `runtime.${b}`, `dev.${b}`])]) {
      expect(graph.nodes.has(id)).toBe(true);
    }
  });

  it('builds Dynamo and NIXL once, on the manylinux build base', () => {
    expect(closure('dynamo')).toEqual(expect.arrayContaining(['nixl', 'build-base']));
    expect(closure('nixl')).toContain('build-base');
    expect(graph.nodes.get('build-base')!.bases).toEqual(expect.objectContaining({ MANYLINUX_AMD64_IMAGE: 'manylinux-amd64', MANYLINUX_ARM64_IMAGE: 'manylinux-arm64' }));
  });

  it.each(BACKENDS)('builds backend-%s on the CUDA devel image with the toolchain, without Dynamo or NIXL', (backend) => {
    const ids = closure(`backend-${backend}`);
    expect(ids).toContain('toolchain');
    expect(ids).not.toEqual(expect.arrayContaining(['nixl']));
    expect(ids).not.toEqual(expect.arrayContaining(['dynamo']));
    const bases = ids.flatMap((id) => Object.values(graph.nodes.get(id)!.bases));
    expect(bases.some((key) => key.startsWith('cuda-devel'))).toBe(true);
  });

  it.each(BACKENDS)('brings NIXL and the Dynamo wheels into runtime.%s from the build base', (backend) => {
    const node = graph.nodes.get(`runtime.${backend}`)!;
    expect(closure(node.id)).toEqual(expect.arrayContaining(['dynamo', `backend-${backend}`]));
    const text = dockerfile(node.id);
    // Copied or bind-mounted from the stage that is the dynamo image.
    expect(text).toMatch(/(--from=dynamo|from=dynamo)[^\n]*\/opt\/nvidia\/nvda_nixl/);
    expect(text).toMatch(/(--from=dynamo|from=dynamo)[^\n]*\/opt\/dynamo\/dist/);
  });

  it.each(BACKENDS)('builds dev.%s FROM its runtime', (backend) => {
    const node = graph.nodes.get(`dev.${backend}`)!;
    const [arg] = Object.entries(node.uses).find(([, up]) => up === `runtime.${backend}`)!;
    const finalFrom = node.fragment.facts.froms[node.fragment.facts.froms.length - 1];
    const targetFrom = node.target ? node.fragment.facts.froms.find((f) => f.stage === node.target)! : finalFrom;
    // The dev image's own stage starts from the runtime image (directly, or from a stage that does).
    const chain = new Set<string>();
    let from = targetFrom;
    while (from && !from.image.includes(`\${${arg}}`) && !chain.has(from.image)) {
      chain.add(from.image);
      from = node.fragment.facts.froms.find((f) => f.stage === from!.image)!;
    }
    expect(from?.image).toBe(`\${${arg}}`);
  });

  it('declares every ARG the orchestrator passes, on every platform', async () => {
    const plan = await makePlan(graph, { targets: [], platforms: ['linux/amd64', 'linux/arm64'] });
    for (const build of plan.builds) {
      const declared = build.node.fragment.facts.allArgs;
      const undeclared = Object.keys(build.buildArgs).filter((arg) => !declared.has(arg));
      expect({ node: build.key, undeclared }).toEqual({ node: build.key, undeclared: [] });
    }
  });

  it('binds every declared ARG that has no default', () => {
    for (const node of graph.nodes.values()) {
      const bound = new Set([
        ...Object.keys(node.uses), ...Object.keys(node.bases), ...Object.keys(node.pins), ...Object.keys(node.args),
        ...Object.keys(node.downloads).flatMap((p) => [`${p}_URL`, `${p}_SHA256`]),
      ]);
      const globals = node.fragment.facts.globalArgs;
      const unbound = [...node.fragment.facts.allArgs.values()]
        .filter((a) => a.defaultValue === undefined && !bound.has(a.name) && !AUTOMATIC_PLATFORM_ARGS.has(a.name))
        // An ARG redeclared in a stage inherits the global default.
        .filter((a) => globals.get(a.name)?.defaultValue === undefined)
        .map((a) => `${a.name} (line ${a.line})`);
      expect({ node: node.id, unbound }).toEqual({ node: node.id, unbound: [] });
    }
  });

  it('keeps build tools out of the runtime beyond its declared JIT set', () => {
    expect(graph.nodes.get('runtime.vllm')!.fragment.config.jit).toEqual(expect.arrayContaining(['nvcc', 'ptxas']));
  });
});
