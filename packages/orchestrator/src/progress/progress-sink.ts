// The interface between build progress (one tracker per node) and a renderer. Several nodes build at once,
// so every call names its node; sinks own the interleaving.

import type { BuildProgressState } from './build-state';
import type { BuildFailureReport } from './failure-report';
import type { ProgressEvent } from './progress-events';

export interface ProgressSink {
  /** Renders the events one trace delta produced for a node; `state` is that node's tracker after the delta. */
  events(nodeId: string, events: readonly ProgressEvent[], state: BuildProgressState): void;
  /** The node's build ended; `failure` is set when it failed. */
  nodeEnded(nodeId: string, failure?: BuildFailureReport): void;
  /** Writes anything pending and stops timers. Further calls are ignored. */
  close(): void;
}
