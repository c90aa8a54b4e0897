// State tracker for one build: merges BuildKit StatusResponse deltas by vertex digest and reports what
// changed as ProgressEvents. Pure (no I/O, no clock), so renderers and failure reporting can be tested
// by feeding recorded traces.

import type {
  BuildkitStatusResponse,
  BuildkitVertex,
  BuildkitVertexStatus,
  EpochMillis,
} from '../engine/buildkit-status';
import { VertexLogLines } from './log-lines';
import type { ProgressEvent, VertexInfo, VertexOutcome } from './progress-events';

export interface BuildProgressStateOptions {
  /** Log lines kept per vertex for failure reports. Default 30. */
  tailLines?: number;
}

/** The step a build failed in, with the end of its output. */
export interface FailedVertex {
  vertex: VertexInfo;
  /** Last `tailLines` output lines of that vertex, oldest first. */
  logTail: string[];
}

class VertexRecord implements VertexInfo {
  name: string;
  index = 0;
  inputs: string[] = [];
  cached = false;
  started?: EpochMillis;
  completed?: EpochMillis;
  error?: string;
  outcome?: VertexOutcome;
  /** Run intervals keyed by start: repeated deltas for one run overwrite instead of adding up. */
  readonly intervals = new Map<EpochMillis, EpochMillis | undefined>();
  readonly statuses = new Map<string, BuildkitVertexStatus>();
  readonly logs: VertexLogLines;

  constructor(
    readonly digest: string,
    tailLines: number,
  ) {
    this.name = digest;
    this.logs = new VertexLogLines(tailLines);
  }

  get durationSeconds(): number {
    return mergedSeconds(this.intervals);
  }
}

export class BuildProgressState {
  private readonly byDigest = new Map<string, VertexRecord>();
  private shownCount = 0;
  private readonly tailLines: number;

  constructor(options: BuildProgressStateOptions = {}) {
    this.tailLines = options.tailLines ?? 30;
  }

  /**
   * Merges one delta and returns the events it produced, in display order: starts, statuses, logs,
   * warnings, then completions (ordered by completion time, each after its vertex's last log line).
   */
  apply(delta: BuildkitStatusResponse): ProgressEvent[] {
    const events: ProgressEvent[] = [];
    const ending: VertexRecord[] = [];

    for (const v of delta.vertexes) {
      const rec = this.record(v.digest);
      mergeVertex(rec, v);
      if (v.started !== undefined || v.completed !== undefined || v.cached) this.show(rec, events);
      if (v.completed === undefined) {
        // Running again (BuildKit re-ran it): a later completion is reported again.
        if (v.started !== undefined) rec.outcome = undefined;
      } else if (rec.outcome === undefined && !ending.includes(rec)) {
        ending.push(rec);
      }
    }

    for (const s of delta.statuses) {
      const rec = this.record(s.vertex);
      const prev = rec.statuses.get(s.id);
      const status = prev && s.started === undefined ? { ...s, started: prev.started } : s;
      rec.statuses.set(s.id, status);
      this.show(rec, events);
      events.push({ type: 'vertex-status', vertex: rec, status });
    }

    for (const log of delta.logs) {
      const rec = this.record(log.vertex);
      this.show(rec, events);
      const offsetSeconds = offsetOf(rec, log.timestamp);
      for (const line of rec.logs.push(log.stream, log.msg)) {
        events.push({ type: 'vertex-log', vertex: rec, line, stream: log.stream, offsetSeconds });
      }
    }

    for (const warning of delta.warnings) {
      const rec = this.record(warning.vertex);
      this.show(rec, events);
      events.push({ type: 'vertex-warning', vertex: rec, warning });
    }

    ending.sort((a, b) => (a.completed ?? 0) - (b.completed ?? 0));
    for (const rec of ending) {
      this.flushLogs(rec, rec.completed, events);
      rec.outcome = outcomeOf(rec);
      events.push({ type: 'vertex-end', vertex: rec, outcome: rec.outcome });
    }
    return events;
  }

  /** Emits output lines still lacking a newline; call once the response stream has ended. */
  finish(): ProgressEvent[] {
    const events: ProgressEvent[] = [];
    for (const rec of this.byDigest.values()) this.flushLogs(rec, undefined, events);
    return events;
  }

  /** Every vertex seen, in `#N` order (not yet shown ones last). */
  vertices(): VertexInfo[] {
    return [...this.byDigest.values()].sort((a, b) => (a.index || Infinity) - (b.index || Infinity));
  }

  /** Vertexes started but not completed, oldest start first. */
  running(): VertexInfo[] {
    return [...this.byDigest.values()]
      .filter((v) => v.index > 0 && v.started !== undefined && v.outcome === undefined)
      .sort((a, b) => (a.started ?? 0) - (b.started ?? 0));
  }

  /** Last output lines of one vertex (empty for an unknown digest). */
  logTail(digest: string): string[] {
    return this.byDigest.get(digest)?.logs.tail() ?? [];
  }

  /**
   * The step that failed: the earliest-completed vertex with an error that is not a cancellation
   * (parallel stages are canceled as a consequence of the real failure), else the first canceled one.
   */
  failedVertex(): FailedVertex | undefined {
    const failed = [...this.byDigest.values()]
      .filter((v) => v.error !== undefined)
      .sort((a, b) => rank(a) - rank(b) || (a.completed ?? Infinity) - (b.completed ?? Infinity));
    const vertex = failed[0];
    return vertex && { vertex, logTail: vertex.logs.tail() };
  }

  private record(digest: string): VertexRecord {
    let rec = this.byDigest.get(digest);
    if (!rec) {
      rec = new VertexRecord(digest, this.tailLines);
      this.byDigest.set(digest, rec);
    }
    return rec;
  }

  /** Assigns `#N` the first time a vertex has something to show, as BuildKit's printer does. */
  private show(rec: VertexRecord, events: ProgressEvent[]): void {
    if (rec.index !== 0) return;
    rec.index = ++this.shownCount;
    events.push({ type: 'vertex-start', vertex: rec });
  }

  private flushLogs(rec: VertexRecord, at: EpochMillis | undefined, events: ProgressEvent[]): void {
    const offsetSeconds = offsetOf(rec, at);
    for (const line of rec.logs.flush()) {
      // stream 0: the partial line may come from either stream; no sink distinguishes them today.
      events.push({ type: 'vertex-log', vertex: rec, line, stream: 0, offsetSeconds });
    }
  }
}

function mergeVertex(rec: VertexRecord, v: BuildkitVertex): void {
  if (v.name !== '') rec.name = v.name;
  if (v.inputs.length > 0) rec.inputs = v.inputs;
  rec.cached = v.cached;
  // Each delta carries the vertex's full current state, so absent fields mean "not (yet) set".
  rec.started = v.started;
  rec.completed = v.completed;
  rec.error = v.error;
  if (v.started !== undefined) rec.intervals.set(v.started, v.completed);
}

function outcomeOf(rec: VertexRecord): VertexOutcome {
  if (rec.error !== undefined) return rec.error.endsWith('context canceled') ? 'canceled' : 'error';
  return rec.cached ? 'cached' : 'done';
}

function rank(v: VertexRecord): number {
  return v.error?.endsWith('context canceled') ? 1 : 0;
}

function offsetOf(rec: VertexRecord, at: EpochMillis | undefined): number {
  if (rec.started === undefined || at === undefined) return 0;
  return Math.max(0, (at - rec.started) / 1000);
}

/** Total covered time of possibly overlapping intervals (open intervals count for nothing yet). */
function mergedSeconds(intervals: Map<EpochMillis, EpochMillis | undefined>): number {
  const closed = [...intervals]
    .filter((e): e is [EpochMillis, EpochMillis] => e[1] !== undefined)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [start, end] of closed) {
    if (start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else if (end > curEnd) {
      curEnd = end;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total / 1000;
}
