import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import type { LintContext } from '../lint-context';
import { globalArgValue, hasVariables, substitute } from '../analysis/arg-values';
import { unpinnedReason } from '../analysis/image-reference';
import { earlierStagesNamed } from '../analysis/stages';

const ID = 'base-image-tag';
const HINT = 'pin a version tag (e.g. ubuntu:24.04); `fragments pins lock` then records its digest';

export const baseImageTag: LintRule = {
  id: ID,
  description:
    'Every base image names a version: each FROM with a literal image (stage names and `scratch` aside), each FROM ' +
    'whose ${ARG} resolves to a literal (an ARG default or an `args:` value), and every reference under `images:` in ' +
    'pins.yaml and profiles/*.yaml must have a tag other than `latest` (a digest-only reference is fine). ' +
    'An untagged or `latest` base changes under the build (Dynamo pinned manylinux by nothing, and uv:latest broke caches).',
  check(context) {
    return [...checkDockerfiles(context), ...checkPinFiles(context)];
  },
};

function checkDockerfiles(context: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const lint of context.fragments) {
    for (const stage of lint.dockerfile.stages) {
      const expression = stage.from.image;
      if (expression === '') continue;
      for (const node of lint.nodes) {
        if (earlierStagesNamed(context, lint, node, expression, stage.index).length > 0) continue;
        if (!hasVariables(expression)) {
          const reason = unpinnedReason(expression);
          if (reason) findings.push({ rule: ID, file: lint.dockerfile.file, line: stage.from.line, message: `base image "${expression}" ${reason}`, hint: HINT });
          continue;
        }
        // A FROM ${ARG} bound by uses:/bases: is an upstream node or a pin (checked in pins.yaml); only literals here.
        const sources: string[] = [];
        const resolved = substitute(expression, (name) => {
          const value = globalArgValue(context, lint, node, name);
          if (value.kind !== 'literal') return undefined;
          sources.push(value.source);
          return value.value;
        });
        const reason = resolved === undefined ? undefined : unpinnedReason(resolved);
        if (reason) {
          findings.push({
            rule: ID,
            file: lint.dockerfile.file,
            line: stage.from.line,
            message: `base image ${expression} is "${resolved}" (from ${sources.join(', ')}), which ${reason}`,
            hint: `${HINT}, or bind the ARG under bases: in ${lint.fragment.configFile} to an image pinned in pins.yaml`,
          });
        }
      }
    }
  }
  return findings;
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
