// Glue for one node's build: feeds trace deltas to that node's tracker and forwards the resulting events
// to the shared sink, and at the end turns an error into a failure report.

import type { BuildkitStatusResponse } from '../engine/buildkit-status';
import type { EngineResponseMessage } from '../engine/response-message';
import { BuildProgressState, BuildProgressStateOptions } from './build-state';
import { BuildFailureReport, describeFailure } from './failure-report';
import type { ProgressSink } from './progress-sink';

export class NodeProgress {
  readonly state: BuildProgressState;
  private ended = false;

  constructor(
    readonly nodeId: string,
    private readonly sink: ProgressSink,
    options: BuildProgressStateOptions = {},
  ) {
    this.state = new BuildProgressState(options);
  }

  apply(delta: BuildkitStatusResponse): void {
    const events = this.state.apply(delta);
    if (events.length > 0) this.sink.events(this.nodeId, events, this.state);
  }

  /** Accepts any response message (fits `consumeEngineResponse`'s `onMessage`); only traces carry progress. */
  onMessage(message: EngineResponseMessage): void {
    if (message.kind === 'trace') this.apply(message.status);
  }

  /**
   * Ends the node: flushes unterminated log lines and tells the sink. Pass the build's error (in-band
   * `errorDetail`, transport failure) when it failed; returns the report then. Idempotent.
   */
  finish(error?: string | Error): BuildFailureReport | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    const events = this.state.finish();
    if (events.length > 0) this.sink.events(this.nodeId, events, this.state);
    const failure =
      error === undefined
        ? undefined
        : describeFailure(this.nodeId, this.state, typeof error === 'string' ? error : error.message);
    this.sink.nodeEnded(this.nodeId, failure);
    return failure;
  }
}
