// Build progress: per-node state tracking of BuildKit traces and the renderers for it.
export { BuildProgressState } from './build-state';
export type { BuildProgressStateOptions, FailedVertex } from './build-state';
export { createProgressSink } from './create-sink';
export type { CreateProgressSinkOptions } from './create-sink';
export { describeFailure, formatFailureReport } from './failure-report';
export type { BuildFailureReport } from './failure-report';
export { formatBytes, formatEvent, formatLogOffset, formatOutcome, formatStatus, prefixLines } from './format';
export { VertexLogLines } from './log-lines';
export { NodeProgress } from './node-progress';
export { PlainProgressSink } from './plain-sink';
export type { ProgressEvent, VertexInfo, VertexOutcome } from './progress-events';
export type { ProgressSink } from './progress-sink';
export { TtyProgressSink } from './tty-sink';
export type { TtyProgressSinkOptions } from './tty-sink';
