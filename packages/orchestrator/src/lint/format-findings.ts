import type { Finding } from './finding';

/** `file:line: rule: message` and an indented hint, the way compilers print; then one summary line. */
export function formatFindings(findings: Finding[], fragmentsLinted: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}: ${f.rule}: ${f.message}\n  ${f.hint}`);
  return [...lines, summary(findings, fragmentsLinted)].join('\n') + '\n';
}

export function summary(findings: Finding[], fragmentsLinted: number): string {
  const scope = `${fragmentsLinted} fragment${fragmentsLinted === 1 ? '' : 's'}`;
  if (findings.length === 0) return `lint: clean (${scope})`;
  const files = new Set(findings.map((f) => f.file)).size;
  const byRule = new Map<string, number>();
  for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const rules = [...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ');
  return `lint: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${scope}; ${rules})`;
}
