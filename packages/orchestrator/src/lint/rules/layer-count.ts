import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { countLayers, type LayerCount } from '../analysis/layer-count';
import { targetStage } from '../analysis/stages';

const ID = 'layer-count';
export const MAX_LAYERS = 100;

export const layerCount: LintRule = {
  id: ID,
  description:
    `No image has more than ${MAX_LAYERS} layers. Counted per node: the RUN, COPY and ADD instructions of its target ` +
    'stage and of the stages it is FROM, and through FROM ${ARG} bound under uses: the layers of the upstream ' +
    "fragment's image, recursively (for FROM layout-${X}, the largest candidate stage). Base images from pins.yaml " +
    "cannot be counted statically, so the limit leaves them room under overlayfs's 128 (Dynamo's trtllm dev image hit " +
    "'max depth exceeded' at ~130 layers, #10879).",
  check(context) {
    const findings: Finding[] = [];
    const memo = new Map<string, LayerCount>(); // shared: a node's upstream chain is counted once
    for (const lint of context.fragments) {
      let worst: { id: string; total: number; parts: string; external: boolean } | undefined;
      for (const node of lint.nodes) {
        const count = countLayers(context, node.id, memo);
        if (count.total <= MAX_LAYERS || (worst && worst.total >= count.total)) continue;
        const parts = [...count.byFragment].filter(([, n]) => n > 0).map(([f, n]) => `${n} from ${f}`).join(', ');
        worst = { id: node.id, total: count.total, parts, external: count.fromExternalImage };
      }
      if (!worst) continue;
      const node = context.graph.nodes.get(worst.id)!;
      findings.push({
        rule: ID,
        file: lint.dockerfile.file,
        line: targetStage(lint, node)?.from.line ?? 1,
        message: `image of ${worst.id} has ${worst.total} layers (${worst.parts})${worst.external ? ' plus those of its base image' : ''}, over ${MAX_LAYERS}`,
        hint: 'merge RUN and COPY instructions, or squash the upstream image (FROM scratch + COPY --from=<upstream> / /)',
      });
    }
    return findings;
  },
};
