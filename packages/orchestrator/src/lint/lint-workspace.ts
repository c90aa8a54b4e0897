import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FragmentGraph } from '../graph/fragment-graph';
import { FRAGMENT_FILE } from '../workspace/paths';
import { sortFindings, uniqueFindings, type Finding } from './finding';
import { createLintContext, type LintContext } from './lint-context';
import { LINT_RULES, ruleIds } from './rule-registry';
import { applySilences, findSilences, type Silence } from './silences';

export interface LintOptions {
  /** Report only findings in these fragments' files (rules still see the whole workspace). Default: everything. */
  fragments?: string[];
}

/** Runs every rule over the workspace and returns the findings that no valid silence covers, sorted. */
export function lintWorkspace(graph: FragmentGraph, options: LintOptions = {}): Finding[] {
  const context = createLintContext(graph);
  const raw = uniqueFindings(LINT_RULES.flatMap((rule) => rule.check(context)));
  const findings = applySilences(raw, silencesIn(context), ruleIds());
  const selected = options.fragments ? filesOf(context, options.fragments) : undefined;
  return sortFindings(selected ? findings.filter((f) => selected.has(f.file)) : findings);
}

/** Silence comments can sit in any file a finding points at: Dockerfiles, fragment.yaml, pins.yaml, profiles. */
function silencesIn(context: LintContext): Silence[] {
  const silences: Silence[] = [];
  for (const { fragment } of context.fragments) {
    silences.push(...findSilences(fragment.dockerfileDisplay, fragment.facts.text));
    silences.push(...findSilences(fragment.configFile, readFileSync(join(fragment.dir, FRAGMENT_FILE), 'utf8')));
  }
  for (const pins of context.pinFiles) silences.push(...findSilences(pins.file, readFileSync(join(context.graph.root, pins.file), 'utf8')));
  return silences;
}

function filesOf(context: LintContext, names: string[]): Set<string> {
  const files = new Set<string>();
  for (const { fragment } of context.fragments) {
    if (names.includes(fragment.name)) files.add(fragment.dockerfileDisplay).add(fragment.configFile);
  }
  return files;
}
