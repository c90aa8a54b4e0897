// What we tell the user when a node's build fails: which node, which step, why, and the end of that
// step's output, so the cause is visible without scrolling through (or, on a TTY, without ever having
// seen) the interleaved logs of every node.

import type { BuildProgressState } from './build-state';

export interface BuildFailureReport {
  nodeId: string;
  /** The error the engine reported (`errorDetail.message`), or the failing vertex's own error. */
  error: string;
  /** Name of the failing vertex, e.g. `[3/3] RUN make`; absent when no step failed (e.g. a Dockerfile parse error). */
  step?: string;
  /** `#N` of the failing step in this node's output, 0 when there is none. */
  stepIndex: number;
  /** Last lines of the failing step's output, oldest first. */
  logTail: string[];
}

/** Builds the report from the tracker; `engineError` is the in-band or transport error, when known. */
export function describeFailure(
  nodeId: string,
  state: BuildProgressState,
  engineError?: string,
): BuildFailureReport {
  const failed = state.failedVertex();
  return {
    nodeId,
    // `||`: an empty message (e.g. a bare transport error) is no explanation; fall back to the step's own error.
    error: engineError || failed?.vertex.error || 'build failed',
    step: failed?.vertex.name,
    stepIndex: failed?.vertex.index ?? 0,
    logTail: failed?.logTail ?? [],
  };
}

/** Lines (unprefixed) in the shape buildx prints: a framed log tail, then `ERROR: …`. */
export function formatFailureReport(report: BuildFailureReport): string[] {
  const lines: string[] = [];
  if (report.step !== undefined) {
    lines.push('------', ` > ${report.step}:`, ...report.logTail.map((l) => `   ${l}`), '------');
  }
  lines.push(`ERROR: ${report.error}`);
  return lines;
}
