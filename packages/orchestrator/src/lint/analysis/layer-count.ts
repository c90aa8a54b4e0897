import type { LintContext, FragmentLint } from '../lint-context';
import { stageParent, targetStage } from './stages';
import { walkInstructions } from '../instruction-walker';

/** Layers of an image as far as the workspace can see them. */
export interface LayerCount {
  total: number;
  /** Fragment name -> layers its Dockerfile adds along the chain. */
  byFragment: Map<string, number>;
  /** The chain starts at a pinned or external image, whose own layers cannot be counted statically. */
  fromExternalImage: boolean;
}

/** Instructions that add a filesystem layer (ENV, LABEL, WORKDIR and friends only change the config). */
const LAYER_KEYWORDS = ['RUN', 'COPY', 'ADD'];

/**
 * Counts the layers of a node's image: its target stage, the stages it is FROM, and through `FROM ${UPSTREAM}`
 * (a `uses:` ARG) the layers of the upstream node's image, recursively. Where a FROM can name several stages
 * (`FROM layout-${X}`), the largest is counted.
 */
export function countLayers(context: LintContext, nodeId: string, memo = new Map<string, LayerCount>()): LayerCount {
  const known = memo.get(nodeId);
  if (known) return known;
  const node = context.graph.nodes.get(nodeId)!;
  const lint = context.fragments.find((f) => f.fragment === node.fragment)!;
  const target = targetStage(lint, node);
  const result = target ? stageLayers(context, lint, nodeId, target.index, memo) : empty();
  memo.set(nodeId, result);
  return result;
}

function stageLayers(context: LintContext, lint: FragmentLint, nodeId: string, index: number, memo: Map<string, LayerCount>): LayerCount {
  const node = context.graph.nodes.get(nodeId)!;
  const stage = lint.dockerfile.stages[index];
  const own = [...walkInstructions(lint, { stages: (s) => s === stage, keywords: LAYER_KEYWORDS })].length;
  const parent = stageParent(context, lint, node, stage);
  let below: LayerCount;
  if (parent.kind === 'node') below = countLayers(context, parent.id, memo);
  else if (parent.kind === 'stages') {
    const options = parent.indexes.map((i) => stageLayers(context, lint, nodeId, i, memo));
    below = options.reduce((a, b) => (b.total > a.total ? b : a));
  } else below = { ...empty(), fromExternalImage: true };
  const byFragment = new Map(below.byFragment);
  byFragment.set(lint.fragment.name, (byFragment.get(lint.fragment.name) ?? 0) + own);
  return { total: below.total + own, byFragment, fromExternalImage: below.fromExternalImage };
}

function empty(): LayerCount {
  return { total: 0, byFragment: new Map(), fromExternalImage: false };
}
