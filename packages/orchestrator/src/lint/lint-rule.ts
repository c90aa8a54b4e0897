import type { Finding } from './finding';
import type { LintContext } from './lint-context';

/**
 * A lint rule: one file under rules/, registered in rule-registry.ts. `check` sees the whole workspace (some rules
 * compare fragments with each other) and returns every finding, unsilenced; silencing is applied afterwards.
 */
export interface LintRule {
  /** Stable kebab-case id: printed with each finding and named in `# fragments-lint-ignore <id> -- <reason>`. */
  id: string;
  /** What the rule checks, exactly, and why (shown by `fragments lint --rules`). */
  description: string;
  check(context: LintContext): Finding[];
}
