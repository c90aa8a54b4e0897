import { NodeProgress } from '../../../src/progress/node-progress';
import { TtyProgressSink, truncate } from '../../../src/progress/tty-sink';
import stringWidth from 'string-width';
import { fixtureDeltas } from '../../fixtures/trace/fixtures';
import { capture, delta, log, status, T0, vertex } from './deltas';

const ERASE = (n: number) => `\x1b[${n}A\r\x1b[J`;

describe('TtyProgressSink', () => {
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1_000_000;
  });
  afterEach(() => jest.useRealTimers());

  /** Advances both the injected clock and the fake timers. */
  const advance = (ms: number) => {
    clock += ms;
    jest.advanceTimersByTime(ms);
  };

  it('coalesces updates into at most one frame per interval', () => {
    const { out, chunks } = capture({ columns: 80, rows: 24 });
    const sink = new TtyProgressSink(out, { now });
    const p = new NodeProgress('base', sink);
    p.apply(delta({ vertexes: [vertex('a', '[1/2] RUN make', { started: T0 })] }));
    p.apply(delta({ logs: [log('a', 'compiling x\n')] }));
    expect(chunks).toEqual([]); // nothing drawn synchronously
    advance(0);
    expect(chunks).toEqual(['[base] #1 [1/2] RUN make 0.0s  compiling x\n']);

    p.apply(delta({ logs: [log('a', 'compiling y\n')] }));
    advance(50);
    p.apply(delta({ logs: [log('a', 'compiling z\n')] }));
    expect(chunks).toHaveLength(1); // still inside the 100 ms window
    advance(50);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(`${ERASE(1)}[base] #1 [1/2] RUN make 0.1s  compiling z\n`);
    sink.close();
  });

  it('scrolls finished steps above the live block and keeps one line per building node', () => {
    const { out, chunks } = capture({ columns: 80, rows: 24 });
    const sink = new TtyProgressSink(out, { now });
    const a = new NodeProgress('a', sink);
    const b = new NodeProgress('b', sink);
    a.apply(delta({ vertexes: [vertex('s1', 'step one', { started: T0 })] }));
    b.apply(delta({ vertexes: [vertex('s1', 'other', { started: T0 })] }));
    advance(100);
    expect(chunks.pop()).toBe('[a] #1 step one 0.1s\n[b] #1 other 0.1s\n');

    advance(400);
    a.apply(
      delta({
        vertexes: [vertex('s1', 'step one', { started: T0, completed: T0 + 1200 }), vertex('s2', 'step two', { started: T0 + 1200 })],
      }),
    );
    advance(100);
    expect(chunks.pop()).toBe(`${ERASE(2)}[a] #1 step one DONE 1.2s\n[a] #2 step two 0.1s\n[b] #1 other 0.6s\n`);

    a.finish();
    advance(100);
    expect(chunks.pop()).toBe(`${ERASE(2)}[b] #1 other 0.7s\n`);
    sink.close();
    expect(chunks.pop()).toBe(ERASE(1));
  });

  it('ticks while building so elapsed times advance without events', () => {
    const { out, chunks } = capture();
    const sink = new TtyProgressSink(out, { now, tickMs: 1000 });
    new NodeProgress('n', sink).apply(delta({ vertexes: [vertex('a', 'sleep', { started: T0 })] }));
    advance(100);
    advance(1000);
    expect(chunks).toEqual(['[n] #1 sleep 0.1s\n', `${ERASE(1)}[n] #1 sleep 1.1s\n`]);
    sink.close();
  });

  it('shows sub-task status, strips control sequences and truncates to the terminal width', () => {
    const { out, chunks } = capture({ columns: 40 });
    const sink = new TtyProgressSink(out, { now });
    const p = new NodeProgress('n', sink);
    p.apply(delta({ vertexes: [vertex('a', 'RUN x', { started: T0 })], logs: [log('a', '\x1b[31mred\x1b[0m\ttab\n')] }));
    advance(100);
    expect(chunks.pop()).toBe('[n] #1 RUN x 0.1s  red tab\n');
    p.apply(delta({ logs: [log('a', `${'long '.repeat(20)}\n`)] }));
    advance(100);
    const line = chunks.pop()!.slice(ERASE(1).length, -1);
    expect(Array.from(line)).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
    p.apply(delta({ statuses: [status('a', 'exporting layers', { started: T0 })] }));
    advance(100);
    expect(chunks.pop()).toBe(`${ERASE(1)}[n] #1 RUN x 0.3s  exporting layers\n`);
    sink.close();
  });

  it('limits the live block to the terminal height', () => {
    const { out, chunks } = capture({ rows: 5 });
    const sink = new TtyProgressSink(out, { now });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      new NodeProgress(id, sink).apply(delta({ vertexes: [vertex('v', 'x', { started: T0 })] }));
    }
    advance(100);
    expect(chunks.pop()).toBe('[a] #1 x 0.1s\n[b] #1 x 0.1s\n… 3 more building\n');
    sink.close();
  });

  it('prints the failure report of the real failing build above the live block', () => {
    const { out, text } = capture({ columns: 200 });
    const sink = new TtyProgressSink(out, { now });
    const p = new NodeProgress('cuda', sink);
    for (const d of fixtureDeltas('build-failure')) p.apply(d);
    const report = p.finish('executor failed running [...]: exit code: 1');
    sink.close();
    const written = text();
    expect(report?.logTail[29]).toBe('boom');
    expect(written).toContain('[cuda] #5 [2/3] RUN echo "before failure" DONE 0.1s\n');
    expect(written).toMatch(/\[cuda\] #6 \[3\/3\] RUN for i .* ERROR: executor failed running .*: exit code: 1\n/);
    expect(written).toContain('[cuda]  > [3/3] RUN for i in $(seq 1 40); do echo "tail line $i"; done; echo boom && false:\n');
    expect(written).toContain('[cuda]    boom\n[cuda] ------\n[cuda] ERROR: executor failed running [...]: exit code: 1\n');
    expect(written).not.toContain('tail line 11\n');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores updates after close', () => {
    const { out, chunks } = capture();
    const sink = new TtyProgressSink(out, { now });
    sink.close();
    new NodeProgress('n', sink).apply(delta({ vertexes: [vertex('a', 'x', { started: T0 })] }));
    advance(1000);
    expect(chunks).toEqual([]);
  });

  it('measures the width in terminal columns: wide characters take two, emoji sequences are never split', () => {
    expect(truncate('abc', 10)).toBe('abc');
    // 古 takes two columns: 6 of them fill a 12-column line exactly; one more does not fit.
    expect(truncate('古'.repeat(6), 12)).toBe('古'.repeat(6));
    const cut = truncate('古'.repeat(7), 12);
    expect(cut).toBe(`${'古'.repeat(5)}…`);
    expect(stringWidth(cut)).toBeLessThanOrEqual(12);
    // A family emoji is one grapheme of several code points: kept whole or not at all.
    const family = '👨‍👩‍👧';
    expect(truncate(`ab${family}cdef`, 5)).toBe(`ab${family}…`);
    expect(truncate(`abc${family}def`, 5)).toBe('abc…');
    expect(truncate('\x1b[31mred\x1b[0m', 3)).toBe('red');
  });
});
