// Text formats shared by the sinks, following BuildKit's plain printer so the output reads like
// `docker build --progress=plain` (minus the per-node prefix the sinks add).

import type { BuildkitVertexStatus } from '../engine/buildkit-status';
import type { ProgressEvent, VertexInfo, VertexOutcome } from './progress-events';

/** Log offset: 3 decimals below 10 s, 2 below 100 s, else 1 (fixed width while a step is short). */
export function formatLogOffset(seconds: number): string {
  if (seconds < 10) return seconds.toFixed(3);
  if (seconds < 100) return seconds.toFixed(2);
  return seconds.toFixed(1);
}

/** Byte counts like Go's `units.Bytes` with `%.2f`: decimal units, plain bytes below 1 kB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return i === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[i]}`;
}

/** The completion word(s): `CACHED`, `DONE 1.2s`, `ERROR: …`, `CANCELED`. */
export function formatOutcome(vertex: VertexInfo, outcome: VertexOutcome): string {
  switch (outcome) {
    case 'cached':
      return 'CACHED';
    case 'canceled':
      return 'CANCELED';
    case 'error':
      return `ERROR: ${vertex.error ?? ''}`;
    case 'done':
      return `DONE ${vertex.durationSeconds.toFixed(1)}s`;
  }
}

/** `<id> <cur> / <total> <secs>s done`, as BuildKit prints sub-task progress. */
export function formatStatus(status: BuildkitVertexStatus): string {
  let bytes = '';
  if (status.total !== 0) bytes = ` ${formatBytes(status.current)} / ${formatBytes(status.total)}`;
  else if (status.current !== 0) bytes = ` ${formatBytes(status.current)}`;
  let time = '';
  const end = status.completed ?? status.timestamp;
  if (status.started !== undefined && end !== undefined) {
    const secs = (end - status.started) / 1000;
    if (secs > 0.01) time = ` ${secs.toFixed(1)}s`;
  }
  if (status.completed !== undefined) time += ' done';
  return `${status.id}${bytes}${time}`;
}

/** One plain line (without node prefix or newline) for an event: `#N …`. */
export function formatEvent(event: ProgressEvent): string {
  const n = `#${event.vertex.index}`;
  switch (event.type) {
    case 'vertex-start':
      return `${n} ${event.vertex.name}`;
    case 'vertex-log':
      return `${n} ${formatLogOffset(event.offsetSeconds)} ${event.line}`;
    case 'vertex-status':
      return `${n} ${formatStatus(event.status)}`;
    case 'vertex-warning':
      return `${n} WARN: ${event.warning.short}`;
    case 'vertex-end':
      return `${n} ${formatOutcome(event.vertex, event.outcome)}`;
  }
}

/** Prefixes every line of a block with `[nodeId] ` and terminates each with '\n'. */
export function prefixLines(nodeId: string, lines: readonly string[]): string {
  return lines.map((line) => `[${nodeId}] ${line}\n`).join('');
}
