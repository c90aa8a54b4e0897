// Non-TTY renderer (CI logs, pipes): every event becomes one `[nodeId] #N …` line, appended, never redrawn,
// so interleaved output of parallel nodes stays attributable line by line.

import type { BuildkitVertexStatus } from '../engine/buildkit-status';
import type { BuildProgressState } from './build-state';
import { BuildFailureReport, formatFailureReport } from './failure-report';
import { formatEvent, prefixLines } from './format';
import type { ProgressEvent } from './progress-events';
import type { ProgressSink } from './progress-sink';

/** Like BuildKit: re-print a running sub-task only after 5 % more progress or 5 s. */
const MIN_PROGRESS_DELTA = 0.05;
const MIN_TIME_DELTA_MS = 5000;

export class PlainProgressSink implements ProgressSink {
  private readonly lastStatus = new Map<string, { current: number; timestamp: number; completed?: number }>();
  private closed = false;

  constructor(private readonly out: NodeJS.WritableStream) {}

  events(nodeId: string, events: readonly ProgressEvent[], _state: BuildProgressState): void {
    if (this.closed) return;
    const lines: string[] = [];
    for (const event of events) {
      if (event.type === 'vertex-status' && !this.shouldPrintStatus(nodeId, event.vertex.digest, event.status)) continue;
      lines.push(formatEvent(event));
    }
    // One write per delta: keeps a delta's lines together when several nodes share the stream.
    if (lines.length > 0) this.out.write(prefixLines(nodeId, lines));
  }

  nodeEnded(nodeId: string, failure?: BuildFailureReport): void {
    if (this.closed) return;
    for (const key of this.lastStatus.keys()) if (key.startsWith(`${nodeId}\0`)) this.lastStatus.delete(key);
    if (failure) this.out.write(prefixLines(nodeId, formatFailureReport(failure)));
  }

  close(): void {
    this.closed = true;
  }

  private shouldPrintStatus(nodeId: string, digest: string, status: BuildkitVertexStatus): boolean {
    const key = `${nodeId}\0${digest}\0${status.id}`;
    const last = this.lastStatus.get(key);
    const timestamp = status.timestamp ?? 0;
    // A finished sub-task is repeated in later deltas of its vertex; say "done" once.
    if (last && status.completed !== undefined && last.completed === status.completed) return false;
    if (last && status.completed === undefined) {
      const progress = status.total > 0 ? (status.current - last.current) / status.total : 0;
      if (progress < MIN_PROGRESS_DELTA && timestamp - last.timestamp < MIN_TIME_DELTA_MS) return false;
    }
    this.lastStatus.set(key, { current: status.current, timestamp, completed: status.completed });
    return true;
  }
}
