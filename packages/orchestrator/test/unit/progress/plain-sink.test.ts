import { consumeEngineResponse } from '../../../src/engine/consume-response';
import { NodeProgress } from '../../../src/progress/node-progress';
import { PlainProgressSink } from '../../../src/progress/plain-sink';
import { readFixture, TraceFixture } from '../../fixtures/trace/fixtures';
import { capture, delta, log, status, T0, vertex } from './deltas';

async function render(name: TraceFixture, nodeId = 'base') {
  const { out, text } = capture();
  const sink = new PlainProgressSink(out);
  const progress = new NodeProgress(nodeId, sink);
  let error: Error | undefined;
  try {
    await consumeEngineResponse([readFixture(name)], { onMessage: (m) => progress.onMessage(m) });
  } catch (err) {
    error = err as Error;
  }
  const report = progress.finish(error);
  sink.close();
  return { lines: text().split('\n').slice(0, -1), report, error };
}

describe('PlainProgressSink', () => {
  it('renders the success trace as prefixed plain-printer lines', async () => {
    const { lines, error } = await render('build-success');
    expect(error).toBeUndefined();
    expect(lines.every((l) => l.startsWith('[base] #'))).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([
        '[base] #1 [internal] load remote build context',
        '[base] #5 [2/3] RUN echo "line one" && echo "line two"',
        '[base] #5 CACHED',
        expect.stringMatching(/^\[base\] #6 1\.\d{3} partial-line joined$/),
        expect.stringMatching(/^\[base\] #6 \d\.\d{3} héllo wörld ✓$/),
        expect.stringMatching(/^\[base\] #6 DONE 1\.\ds$/),
        '[base] #7 exporting to image',
        '[base] #7 naming to docker.io/library/fixture-trace:1 done',
        '[base] #7 DONE 0.0s',
      ]),
    );
    // Header before logs before DONE for the same step.
    const header = lines.findIndex((l) => l.startsWith('[base] #6 [3/3]'));
    const firstLog = lines.findIndex((l) => l.endsWith('partial-line joined'));
    const done = lines.findIndex((l) => l.startsWith('[base] #6 DONE'));
    expect(header).toBeLessThan(firstLog);
    expect(firstLog).toBeLessThan(done);
    // A finished sub-task is reported done once even though later deltas repeat it.
    expect(lines.filter((l) => l.endsWith('exporting layers done'))).toHaveLength(1);
  });

  it('renders the cached trace with CACHED steps', async () => {
    const { lines } = await render('build-cached');
    expect(lines.filter((l) => / #\d+ CACHED$/.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.includes(' DONE ') && l.includes('#6'))).toBe(false);
  });

  it('renders the failure trace: ERROR on the step, then the framed tail and the engine error', async () => {
    const { lines, report } = await render('build-failure', 'cuda');
    expect(lines).toContain('[cuda] #6 ERROR: executor failed running [/bin/sh -c for i in $(seq 1 40); do echo "tail line $i"; done; echo boom && false]: exit code: 1');
    expect(lines.some((l) => /^\[cuda\] #6 \d\.\d{3} boom$/.test(l))).toBe(true);
    const frame = lines.indexOf('[cuda] ------');
    expect(lines[frame + 1]).toBe('[cuda]  > [3/3] RUN for i in $(seq 1 40); do echo "tail line $i"; done; echo boom && false:');
    expect(lines[frame + 2]).toBe('[cuda]    tail line 12');
    expect(lines[frame + 31]).toBe('[cuda]    boom');
    expect(lines[frame + 32]).toBe('[cuda] ------');
    expect(lines[frame + 33]).toMatch(/^\[cuda\] ERROR: executor failed running .*exit code: 1$/);
    expect(report).toMatchObject({ nodeId: 'cuda', step: expect.stringContaining('echo boom && false'), stepIndex: 6 });
  });

  it('throttles running sub-task progress like BuildKit (5 % or 5 s), always printing completion', () => {
    const { out, text } = capture();
    const sink = new PlainProgressSink(out);
    const p = new NodeProgress('n', sink);
    p.apply(delta({ vertexes: [vertex('v', 'pull', { started: T0 })] }));
    const st = (current: number, at: number, completed?: number) =>
      p.apply(delta({ statuses: [status('v', 'layer', { current, total: 1000, started: T0, timestamp: at, completed })] }));
    st(0, T0);
    st(10, T0 + 100); // +1 %: skipped
    st(60, T0 + 200); // +6 %: printed
    st(70, T0 + 5300); // 5.1 s later: printed
    st(1000, T0 + 5400, T0 + 5400); // completed: printed
    st(1000, T0 + 5500, T0 + 5400); // same completion repeated: skipped
    expect(text().split('\n').slice(0, -1)).toEqual([
      '[n] #1 pull',
      '[n] #1 layer 0B / 1.00kB',
      '[n] #1 layer 60B / 1.00kB 0.2s',
      '[n] #1 layer 70B / 1.00kB 5.3s',
      '[n] #1 layer 1.00kB / 1.00kB 5.4s done',
    ]);
  });

  it('keeps lines of interleaved nodes attributable, one write per delta', () => {
    const { out, chunks } = capture();
    const sink = new PlainProgressSink(out);
    const a = new NodeProgress('a', sink);
    const b = new NodeProgress('b', sink);
    a.apply(delta({ vertexes: [vertex('x', 'RUN a', { started: T0 })], logs: [log('x', '1\n2\n', T0 + 10)] }));
    b.apply(delta({ vertexes: [vertex('x', 'RUN b', { started: T0 })] }));
    expect(chunks).toEqual(['[a] #1 RUN a\n[a] #1 0.010 1\n[a] #1 0.010 2\n', '[b] #1 RUN b\n']);
    sink.close();
    a.apply(delta({ logs: [log('x', 'after close\n')] }));
    expect(chunks).toHaveLength(2);
  });
});
