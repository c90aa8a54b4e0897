/** One lint problem: where it is, which rule found it, and what to do about it. */
export interface Finding {
  /** Rule id, e.g. `apt-no-recommends`. */
  rule: string;
  /** Workspace-relative file. */
  file: string;
  /** 1-based line; for a Dockerfile, the first line of the instruction (a silence goes on the line above). */
  line: number;
  message: string;
  hint: string;
}

/** Findings in file order, then line, then rule: stable output for people, CI logs and tests. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
}

/** Variants of a fragment share one Dockerfile, so the same finding can come from several nodes: keep one. */
export function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) seen.set(`${f.file}\0${f.line}\0${f.rule}\0${f.message}`, f);
  return [...seen.values()];
}
