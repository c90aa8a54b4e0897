import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import type { GraphNode } from '../../graph/fragment-graph';
import type { FragmentLint, LintContext } from '../lint-context';
import { flagValue } from '../model/dockerfile-model';
import { walkInstructions } from '../instruction-walker';
import { globalArgValue, hasVariables, substitute } from '../analysis/arg-values';
import { earlierStagesNamed } from '../analysis/stages';
import { parseImageReference } from '../../registry/image-reference';

const ID = 'base-image-tag';
const HINT = 'pin a version tag (e.g. ubuntu:24.04); `fragments pins lock` then records its digest';

export const baseImageTag: LintRule = {
  id: ID,
  description:
    'Every base image names a version: each FROM, COPY --from and RUN --mount from= with a literal image (stage names ' +
    'and `scratch` aside), each one whose ${ARG} resolves to a literal (an ARG default, an `args:` or `pins:` value), ' +
    'and every reference under `images:` in ' +
    'pins.yaml and profiles/*.yaml must have a tag other than `latest` (a digest-only reference is fine). ' +
    'An untagged or `latest` base changes under the build (Dynamo pinned manylinux by nothing, and uv:latest broke caches).',
  check(context) {
    return [...checkDockerfiles(context), ...checkPinFiles(context)];
  },
};

function checkDockerfiles(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const lint of context.fragments) {
    // Each FROM, and the images a stage pulls with COPY --from=<image> or RUN --mount=…,from=<image>, in file order.
    const uses = lint.dockerfile.stages.map((stage) => ({ expression: stage.from.image, line: stage.from.line, before: stage.index, what: 'base image' }));
    for (const { stage, instruction } of walkInstructions(lint)) {
      if (!stage) continue; // a global ARG pulls no image
      const before = stage.index;
      const from = flagValue(instruction, 'from');
      if (from !== undefined && instruction.keyword !== 'RUN') uses.push({ expression: from, line: instruction.line, before, what: `image in ${instruction.keyword} --from` });
      for (const mount of instruction.mounts) {
        if (mount.from !== undefined) uses.push({ expression: mount.from, line: instruction.line, before, what: 'image in RUN --mount from=' });
      }
    }
    uses.sort((a, b) => a.line - b.line);
    for (const use of uses) {
      for (const node of lint.nodes) {
        const finding = checkExpression(context, lint, node, use);
        if (finding) findings.push(finding);
      }
    }
  }
  return findings;
}

/** An image expression: a stage name or `scratch` is fine; a literal or an ARG that resolves to a literal is checked. */
function checkExpression(
  context: LintContext,
  lint: FragmentLint,
  node: GraphNode,
  use: { expression: string; line: number; before: number; what: string },
): Finding | undefined {
  const { expression } = use;
  if (expression === '' || earlierStagesNamed(context, lint, node, expression, use.before).length > 0) return undefined;
  const at = (message: string, hint = HINT): Finding => ({ rule: ID, file: lint.dockerfile.file, line: use.line, message, hint });
  if (!hasVariables(expression)) {
    const reason = unpinnedReason(expression);
    return reason ? at(`${use.what} "${expression}" ${reason}`) : undefined;
  }
  // A ${ARG} bound by uses:/bases: is an upstream node or a pin (checked in pins.yaml); only literals are checked here.
  const sources: string[] = [];
  const resolved = substitute(expression, (name) => {
    const value = globalArgValue(context, lint, node, name);
    if (value.kind !== 'literal') return undefined;
    sources.push(value.source);
    return value.value;
  });
  const reason = resolved === undefined ? undefined : unpinnedReason(resolved);
  if (!reason) return undefined;
  return at(
    `${use.what} ${expression} is "${resolved}" (from ${sources.join(', ')}), which ${reason}`,
    `${HINT}, or bind the ARG under bases: in ${lint.fragment.configFile} to an image pinned in pins.yaml`,
  );
}

function checkPinFiles(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const pins of context.pinFiles) {
    for (const [key, value] of Object.entries(pins.value.images)) {
      const refs: [string[], string][] = typeof value === 'string' ? [[[key], value]] : Object.entries(value).map(([platform, ref]) => [[key, platform], ref]);
      for (const [path, ref] of refs) {
        const reason = unpinnedReason(ref);
        if (!reason) continue;
        findings.push({ rule: ID, file: pins.file, line: pins.lineOf(['images', ...path]) ?? 1, message: `images.${path.join('.')} "${ref}" ${reason}`, hint: HINT });
      }
    }
  }
  return findings;
}

/**
 * Why a base image reference does not pin a version, or undefined when it does. A digest pins the content, so a
 * digest-only reference is fine; `latest` is refused even with a digest, because nobody can tell which version it is
 * and `fragments pins lock` would follow the tag to whatever it points at next.
 */
export function unpinnedReason(reference: string): string | undefined {
  if (reference.toLowerCase() === 'scratch') return undefined;
  const { tag, tagged, digest } = parseImageReference(reference);
  if (!tagged) return digest === undefined ? 'has no tag, so it means "latest" and changes under the build' : undefined;
  if (tag === 'latest') return 'uses the "latest" tag, which moves';
  return undefined;
}
