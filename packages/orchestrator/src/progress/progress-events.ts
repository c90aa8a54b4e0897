// What the state tracker reports after each trace delta, and what sinks render. Events reference live
// vertex views: read them while handling the event; later deltas keep updating the same objects.

import type { BuildkitVertexStatus, BuildkitVertexWarning, EpochMillis } from '../engine/buildkit-status';

/** How a vertex finished, as BuildKit's printers name it. */
export type VertexOutcome = 'cached' | 'done' | 'error' | 'canceled';

/** Merged state of one vertex (a build step) across all deltas seen so far. */
export interface VertexInfo {
  readonly digest: string;
  /** Step name, e.g. `[2/3] RUN make`; the digest until the vertex itself has been seen. */
  readonly name: string;
  /** Display number `#N`: assigned in order of first appearance per build, as BuildKit does; 0 = not shown yet. */
  readonly index: number;
  readonly inputs: readonly string[];
  readonly cached: boolean;
  /** Start of the current run (BuildKit may run a vertex more than once). */
  readonly started?: EpochMillis;
  readonly completed?: EpochMillis;
  readonly error?: string;
  /** Set once the vertex has completed. */
  readonly outcome?: VertexOutcome;
  /** Sum of the merged started→completed intervals, in seconds (what `DONE 1.2s` shows). */
  readonly durationSeconds: number;
}

export type ProgressEvent =
  /** The vertex started (or arrived already cached/complete) and got its `#N`. */
  | { type: 'vertex-start'; vertex: VertexInfo }
  /** One complete output line; `offsetSeconds` is the time since the vertex started. */
  | { type: 'vertex-log'; vertex: VertexInfo; line: string; stream: number; offsetSeconds: number }
  /** Progress of a sub-task (layer export, transfer), merged by status id. */
  | { type: 'vertex-status'; vertex: VertexInfo; status: BuildkitVertexStatus }
  | { type: 'vertex-warning'; vertex: VertexInfo; warning: BuildkitVertexWarning }
  | { type: 'vertex-end'; vertex: VertexInfo; outcome: VertexOutcome };
