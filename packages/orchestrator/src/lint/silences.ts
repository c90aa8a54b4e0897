import type { Finding } from './finding';

/** Findings about silence comments themselves; they cannot be silenced. */
export const SILENCE_RULE = 'lint-ignore';
export const SILENCE_SYNTAX = '# fragments-lint-ignore <rule-id> -- <reason>';

/** `# fragments-lint-ignore <rule-id>[,<rule-id>…] -- <reason>` on the line before a finding's line. */
export interface Silence {
  file: string;
  /** Line of the comment; it silences findings on `line + 1`. */
  line: number;
  rules: string[];
  reason: string;
}

const COMMENT = /^\s*#\s*fragments-lint-ignore\b(.*)$/;

export function findSilences(file: string, text: string): Silence[] {
  const silences: Silence[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    const match = COMMENT.exec(content);
    if (!match) return;
    const rest = match[1];
    const dashes = rest.search(/(^|\s)--(\s|$)/);
    const ids = dashes < 0 ? rest : rest.slice(0, dashes);
    const reason = dashes < 0 ? '' : rest.slice(dashes).replace(/^\s*--/, '').trim();
    silences.push({ file, line: i + 1, rules: ids.split(/[\s,]+/).filter(Boolean), reason });
  });
  return silences;
}

/**
 * Removes the findings a valid silence covers, and reports silences that are not valid (no reason, unknown rule,
 * no rule) or that silence nothing (stale: the problem was fixed, or the comment is not right above the finding).
 * An invalid silence silences nothing, so its finding stays visible next to it.
 */
export function applySilences(findings: Finding[], silences: Silence[], knownRules: ReadonlySet<string>): Finding[] {
  const kept: Finding[] = [];
  const problems: Finding[] = [];
  const used = new Set<Silence>();
  const valid = silences.filter((s) => {
    const at = (message: string, hint: string) => problems.push({ rule: SILENCE_RULE, file: s.file, line: s.line, message, hint });
    const unknown = s.rules.filter((r) => !knownRules.has(r) || r === SILENCE_RULE);
    if (s.rules.length === 0) at('silence names no rule', `write ${SILENCE_SYNTAX}`);
    for (const rule of unknown) at(`silence names unknown rule "${rule}"`, `rules: ${[...knownRules].filter((r) => r !== SILENCE_RULE).join(', ')}`);
    if (s.reason === '') at('silence without a reason', `say why the rule does not apply here: ${SILENCE_SYNTAX}`);
    return s.rules.length > 0 && unknown.length === 0 && s.reason !== '';
  });
  for (const finding of findings) {
    const silence = valid.find((s) => s.file === finding.file && s.line + 1 === finding.line && s.rules.includes(finding.rule));
    if (silence) used.add(silence);
    else kept.push(finding);
  }
  for (const s of valid) {
    if (!used.has(s)) {
      problems.push({
        rule: SILENCE_RULE,
        file: s.file,
        line: s.line,
        message: `silence of ${s.rules.join(', ')} silences nothing on line ${s.line + 1}`,
        hint: 'remove it (the problem is gone), or put it on the line right above the instruction or key the finding points at',
      });
    }
  }
  return [...kept, ...problems];
}
