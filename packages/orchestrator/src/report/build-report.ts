// The build report's model (build-report.json): one entry per planned node and platform, in plan order. It holds
// names, times and counts only; no secret value, build arg value or log line ever reaches it.

import type { BuildSteps } from '../orchestration/build-steps';
import type { NodeResult, Outcome } from '../orchestration/run-graph';
import type { SccacheStats } from '../orchestration/sccache-stats';
import type { Plan } from '../plan/make-plan';
import { criticalPath } from './critical-path';

export const REPORT_SCHEMA = 'fragments-build-report/v1';

export interface ImageFacts {
  sizeBytes: number;
  layers: number;
}

export interface ReportEntry {
  key: string;
  node: string;
  platform: string;
  tag: string;
  outcome: Outcome;
  /** ISO 8601; null for nodes that never ran (skipped, canceled before start). */
  start: string | null;
  end: string | null;
  durationMs: number;
  /** Why it was (re)built: what changed since the engine's last image of this node, `new`, `--no-cache`, or null. */
  reason: string | null;
  upstream: string[];
  steps: { total: number; cached: number; run: number } | null;
  sccache: SccacheStats | null;
  image: ImageFacts | null;
  /** The failed upstream that caused a skip. */
  because?: string;
  error?: string;
}

export interface BuildReport {
  schema: typeof REPORT_SCHEMA;
  start: string;
  end: string;
  durationMs: number;
  ok: boolean;
  platforms: string[];
  /** Keys of the chain of dependent nodes with the longest total duration (what bounded the run). */
  criticalPath: string[];
  nodes: ReportEntry[];
}

export interface ReportInputs {
  plan: Plan;
  results: readonly NodeResult[];
  ok: boolean;
  start: number;
  end: number;
  reasons?: ReadonlyMap<string, string>;
  steps?: ReadonlyMap<string, BuildSteps>;
  sccache?: ReadonlyMap<string, SccacheStats>;
  images?: ReadonlyMap<string, ImageFacts>;
}

export function makeBuildReport(inputs: ReportInputs): BuildReport {
  const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());
  const nodes = inputs.results.map((r): ReportEntry => {
    const steps = inputs.steps?.get(r.build.key);
    return {
      key: r.build.key,
      node: r.build.node.id,
      platform: r.build.platform,
      tag: r.build.tag,
      outcome: r.outcome,
      start: iso(r.startedAt),
      end: iso(r.finishedAt),
      durationMs: r.durationMs,
      reason: inputs.reasons?.get(r.build.key) ?? null,
      upstream: r.build.upstream,
      steps: steps ? { total: steps.total, cached: steps.cached, run: steps.run } : null,
      sccache: inputs.sccache?.get(r.build.key) ?? null,
      image: inputs.images?.get(r.build.key) ?? null,
      ...(r.because ? { because: r.because } : {}),
      ...(r.outcome === 'failed' ? { error: firstLine(r.error) } : {}),
    };
  });
  return {
    schema: REPORT_SCHEMA,
    start: new Date(inputs.start).toISOString(),
    end: new Date(inputs.end).toISOString(),
    durationMs: inputs.end - inputs.start,
    ok: inputs.ok,
    platforms: inputs.plan.platforms,
    criticalPath: criticalPath(nodes),
    nodes,
  };
}

/** A failure's first line: the step and message, not the log tail (which could quote anything a step printed). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
