import type { GraphNode } from '../../graph/fragment-graph';
import type { LintContext, FragmentLint } from '../lint-context';
import { flagValue, type Stage } from '../model/dockerfile-model';
import { expressionPattern, globalArgValue, hasVariables, substitute } from './arg-values';
import { walkInstructions } from '../instruction-walker';

/** What a stage is built FROM: earlier stages of the same Dockerfile, an upstream node's image, or some other image. */
export type StageParent = { kind: 'stages'; indexes: number[] } | { kind: 'node'; id: string } | { kind: 'image' };

/** The stage a node builds: `target:` or the last one. */
export function targetStage(lint: FragmentLint, node: GraphNode): Stage | undefined {
  const stages = lint.dockerfile.stages;
  if (node.target) return stages.find((s) => s.name?.toLowerCase() === node.target!.toLowerCase());
  return stages[stages.length - 1];
}

/**
 * Resolves a FROM. Variables are substituted with the node's `args:` and ARG defaults; a variable from pins (which
 * any profile can change) or otherwise unknown makes the FROM stand for every earlier stage it could name, so
 * `FROM layout-${RUNTIME_LAYOUT}` follows both `layout-cuda` and `layout-upstream` whatever profile is selected.
 */
export function stageParent(context: LintContext, lint: FragmentLint, node: GraphNode, stage: Stage): StageParent {
  const image = stage.from.image;
  const single = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(image);
  if (single) {
    const value = globalArgValue(context, lint, node, single[1]);
    if (value.kind === 'node') return { kind: 'node', id: value.id };
    if (value.kind === 'base') return { kind: 'image' };
  }
  const indexes = earlierStagesNamed(context, lint, node, image, stage.index);
  return indexes.length > 0 ? { kind: 'stages', indexes } : { kind: 'image' };
}

/** Earlier stages a name expression (FROM image, COPY --from, mount from=) refers to; none when it is an image. */
export function earlierStagesNamed(context: LintContext, lint: FragmentLint, node: GraphNode, expression: string, before: number): number[] {
  const earlier = lint.dockerfile.stages.slice(0, before);
  if (/^\d+$/.test(expression)) return Number(expression) < before ? [Number(expression)] : [];
  if (!hasVariables(expression)) return earlier.filter((s) => s.name?.toLowerCase() === expression.toLowerCase()).map((s) => s.index);
  const resolved = substitute(expression, (name) => {
    const v = globalArgValue(context, lint, node, name);
    return v.kind === 'literal' && !v.pinned ? v.value : undefined;
  });
  if (resolved !== undefined) return earlier.filter((s) => s.name?.toLowerCase() === resolved.toLowerCase()).map((s) => s.index);
  const pattern = expressionPattern(expression);
  return earlier.filter((s) => s.name !== undefined && pattern.test(s.name)).map((s) => s.index);
}

/**
 * Stages whose files end up in the node's image: the target, what it is FROM (transitively), and stages copied in
 * whole (`COPY --from=<stage> / /`). Stages that only donate selected paths are builders, not part of the image.
 */
export function shippedStages(context: LintContext, lint: FragmentLint, node: GraphNode): Set<number> {
  const shipped = new Set<number>();
  const target = targetStage(lint, node);
  const queue = target ? [target.index] : [];
  while (queue.length > 0) {
    const index = queue.pop()!;
    if (shipped.has(index)) continue;
    shipped.add(index);
    const stage = lint.dockerfile.stages[index];
    const parent = stageParent(context, lint, node, stage);
    if (parent.kind === 'stages') queue.push(...parent.indexes);
    for (const { instruction } of walkInstructions(lint, { stages: (s) => s === stage, keywords: ['COPY'] })) {
      const from = flagValue(instruction, 'from');
      if (from === undefined) continue;
      if (instruction.args.slice(0, -1).some((src) => src === '/' || src === '/.')) queue.push(...earlierStagesNamed(context, lint, node, from, index));
    }
  }
  return shipped;
}
