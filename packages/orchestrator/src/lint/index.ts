export type { Finding } from './finding';
export type { LintRule } from './lint-rule';
export { lintWorkspace, type LintOptions } from './lint-workspace';
export { LINT_RULES } from './rule-registry';
export { formatFindings } from './format-findings';
