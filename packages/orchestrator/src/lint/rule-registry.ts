import type { LintRule } from './lint-rule';
import { aptLists } from './rules/apt-lists';
import { aptNoRecommends } from './rules/apt-no-recommends';
import { argUnbound } from './rules/arg-unbound';
import { artifactBuiltTwice } from './rules/artifact-built-twice';
import { baseImageTag } from './rules/base-image-tag';
import { credentials } from './rules/credentials';
import { downloadChecksum } from './rules/download-checksum';
import { gitPinnedRef } from './rules/git-pinned-ref';
import { layerCount } from './rules/layer-count';
import { runtimeCompilers } from './rules/runtime-compilers';
import { runtimeWheelWithoutNixl } from './rules/runtime-wheel-without-nixl';
import { SILENCE_RULE } from './silences';

/** Every rule `fragments lint` runs, in the order the issue lists them. */
export const LINT_RULES: readonly LintRule[] = [
  baseImageTag,
  argUnbound,
  aptNoRecommends,
  aptLists,
  credentials,
  downloadChecksum,
  gitPinnedRef,
  artifactBuiltTwice,
  runtimeCompilers,
  layerCount,
  runtimeWheelWithoutNixl,
];

/** Ids a silence may name, plus the id of findings about silences themselves. */
export function ruleIds(rules: readonly LintRule[] = LINT_RULES): Set<string> {
  return new Set([...rules.map((r) => r.id), SILENCE_RULE]);
}
