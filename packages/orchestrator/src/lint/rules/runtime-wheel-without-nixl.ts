import type { GraphNode } from '../../graph/fragment-graph';
import type { Finding } from '../finding';
import type { FragmentLint, LintContext } from '../lint-context';
import type { LintRule } from '../lint-rule';
import { flagValue, type DockerInstruction } from '../model/dockerfile-model';
import { globalArgValue } from '../analysis/arg-values';
import { earlierStagesNamed, stageParent, targetStage } from '../analysis/stages';

const ID = 'runtime-wheel-without-nixl';

/** The pin key of NIXL in pins.yaml: a node that binds it is the one that builds NIXL. */
const NIXL_PIN = 'nixl';

/**
 * A RUN that builds Dynamo's runtime wheel: maturin in lib/bindings/python (the ai-dynamo-runtime crate), or a RUN
 * that writes a file named ai_dynamo_runtime-* (the offline stack's stand-in).
 */
function buildsRuntimeWheel(instruction: DockerInstruction): boolean {
  if (instruction.keyword !== 'RUN') return false;
  const text = instruction.raw;
  return (/lib\/bindings\/python\b/.test(text) && /\bmaturin\s+build\b/.test(text)) || /(>|--out(?:put)?[= ])\s*"?[^\s"]*ai_dynamo_runtime-/.test(text);
}

/** One place NIXL could come from, as a readable path for the finding. */
interface Visit {
  lint: FragmentLint;
  node: GraphNode;
  stage: number;
  path: string[];
}

export const runtimeWheelWithoutNixl: LintRule = {
  id: ID,
  description:
    "The stage that builds Dynamo's runtime wheel (maturin in lib/bindings/python, or a RUN writing ai_dynamo_runtime-*) " +
    'must not see NIXL: neither it nor any stage or upstream image it is built FROM, copies from (COPY --from) or ' +
    'mounts (RUN --mount from=) may belong to the node that binds versions.nixl. Otherwise maturin\'s repair step ' +
    'bundles libnixl into ai-dynamo-runtime (Dynamo fixed this by splitting its wheel builder, PR #6430), and every ' +
    'NIXL change rebuilds the runtime wheel.',
  check(context) {
    const findings: Finding[] = [];
    const lintOf = new Map(context.fragments.map((l) => [l.fragment, l]));
    for (const lint of context.fragments) {
      for (const node of lint.nodes) {
        for (const stage of lint.dockerfile.stages) {
          const builder = stage.instructions.find(buildsRuntimeWheel);
          if (!builder) continue;
          const path = nixlPath(context, lintOf, { lint, node, stage: stage.index, path: [`${node.id}:${stage.name ?? stage.index}`] });
          if (!path) continue;
          findings.push({
            rule: ID,
            file: lint.dockerfile.file,
            line: builder.line,
            message: `builds ai-dynamo-runtime in stage "${stage.name ?? stage.index}" of ${node.id}, which sees NIXL: ${path.join(' -> ')}`,
            hint: 'build the runtime wheel in a stage FROM a NIXL-free build base (no FROM, COPY --from or mount of the nixl image), and add NIXL in a later stage (as fragments/dynamo/Dockerfile does)',
          });
        }
      }
    }
    return findings;
  },
};

/** The first chain of stages/images from `start` to the NIXL node, or undefined when NIXL is out of reach. */
function nixlPath(context: LintContext, lintOf: Map<unknown, FragmentLint>, start: Visit): string[] | undefined {
  const seen = new Set<string>();
  const queue: Visit[] = [start];
  while (queue.length > 0) {
    const visit = queue.shift()!;
    const key = `${visit.node.id}#${visit.stage}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (Object.values(visit.node.pins).includes(NIXL_PIN)) return visit.path;
    const stage = visit.lint.dockerfile.stages[visit.stage];
    const next = (lint: FragmentLint, node: GraphNode, index: number, label: string) => queue.push({ lint, node, stage: index, path: [...visit.path, label] });
    const intoNode = (id: string, how: string) => {
      const node = context.graph.nodes.get(id);
      const lint = node && lintOf.get(node.fragment);
      const target = lint && targetStage(lint, node);
      if (node && lint && target) next(lint, node, target.index, `${how} ${id}`);
    };
    const parent = stageParent(context, visit.lint, visit.node, stage);
    if (parent.kind === 'stages') parent.indexes.forEach((i) => next(visit.lint, visit.node, i, `FROM ${visit.lint.dockerfile.stages[i].name ?? i}`));
    if (parent.kind === 'node') intoNode(parent.id, 'FROM');
    for (const instruction of stage.instructions) {
      const sources = [flagValue(instruction, 'from'), ...instruction.mounts.map((m) => m.from)].filter((s): s is string => s !== undefined && s !== '');
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'RUN') continue;
      for (const source of sources) {
        const single = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(source);
        const value = single ? globalArgValue(context, visit.lint, visit.node, single[1]) : undefined;
        if (value?.kind === 'node') {
          intoNode(value.id, `${instruction.keyword} from`);
          continue;
        }
        for (const i of earlierStagesNamed(context, visit.lint, visit.node, source, visit.stage)) {
          next(visit.lint, visit.node, i, `${instruction.keyword} from ${visit.lint.dockerfile.stages[i].name ?? i}`);
        }
      }
    }
  }
  return undefined;
}
