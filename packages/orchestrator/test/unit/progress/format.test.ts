import { formatBytes, formatEvent, formatLogOffset, formatStatus, prefixLines } from '../../../src/progress/format';
import type { VertexInfo } from '../../../src/progress/progress-events';
import { status, T0 } from './deltas';

const v = (extra: Partial<VertexInfo> = {}): VertexInfo => ({
  digest: 'sha256:x',
  name: '[2/3] RUN make',
  index: 4,
  inputs: [],
  cached: false,
  durationSeconds: 1.234,
  ...extra,
});

describe('format', () => {
  it('formats log offsets with precision decreasing with magnitude', () => {
    expect(formatLogOffset(0)).toBe('0.000');
    expect(formatLogOffset(1.23456)).toBe('1.235');
    expect(formatLogOffset(12.3456)).toBe('12.35');
    expect(formatLogOffset(123.456)).toBe('123.5');
  });

  it('formats bytes like units.Bytes %.2f', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(999)).toBe('999B');
    expect(formatBytes(1000)).toBe('1.00kB');
    expect(formatBytes(1_234_567)).toBe('1.23MB');
    expect(formatBytes(5_000_000_000)).toBe('5.00GB');
  });

  it('formats sub-task statuses', () => {
    expect(formatStatus(status('v', 'exporting layers'))).toBe('exporting layers');
    expect(formatStatus(status('v', 'exporting layers', { started: T0, completed: T0 + 2500 }))).toBe('exporting layers 2.5s done');
    expect(formatStatus(status('v', 'sha256:abc', { current: 1500, total: 3_000_000, started: T0, timestamp: T0 + 1000 }))).toBe(
      'sha256:abc 1.50kB / 3.00MB 1.0s',
    );
    expect(formatStatus(status('v', 'transferring', { current: 512, started: T0, timestamp: T0 + 5 }))).toBe('transferring 512B');
  });

  it('formats every event type as a plain printer line', () => {
    expect(formatEvent({ type: 'vertex-start', vertex: v() })).toBe('#4 [2/3] RUN make');
    expect(formatEvent({ type: 'vertex-log', vertex: v(), line: 'hello', stream: 1, offsetSeconds: 0.5 })).toBe('#4 0.500 hello');
    expect(formatEvent({ type: 'vertex-end', vertex: v(), outcome: 'done' })).toBe('#4 DONE 1.2s');
    expect(formatEvent({ type: 'vertex-end', vertex: v({ cached: true }), outcome: 'cached' })).toBe('#4 CACHED');
    expect(formatEvent({ type: 'vertex-end', vertex: v({ error: 'exit code: 1' }), outcome: 'error' })).toBe(
      '#4 ERROR: exit code: 1',
    );
    expect(formatEvent({ type: 'vertex-end', vertex: v({ error: 'context canceled' }), outcome: 'canceled' })).toBe('#4 CANCELED');
    expect(
      formatEvent({ type: 'vertex-warning', vertex: v(), warning: { vertex: 'v', level: 1, short: 'old syntax', detail: [], url: '' } }),
    ).toBe('#4 WARN: old syntax');
    expect(formatEvent({ type: 'vertex-status', vertex: v(), status: status('v', 'naming to x', { completed: T0 }) })).toBe(
      '#4 naming to x done',
    );
  });

  it('prefixes lines with the node id', () => {
    expect(prefixLines('base', ['a', 'b'])).toBe('[base] a\n[base] b\n');
  });
});
