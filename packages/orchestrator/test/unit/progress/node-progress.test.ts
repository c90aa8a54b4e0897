import { consumeEngineResponse, EngineStreamError } from '../../../src/engine/consume-response';
import { createProgressSink } from '../../../src/progress/create-sink';
import { describeFailure, formatFailureReport } from '../../../src/progress/failure-report';
import { BuildProgressState } from '../../../src/progress/build-state';
import { NodeProgress } from '../../../src/progress/node-progress';
import { PlainProgressSink } from '../../../src/progress/plain-sink';
import type { ProgressSink } from '../../../src/progress/progress-sink';
import { TtyProgressSink } from '../../../src/progress/tty-sink';
import { readFixture } from '../../fixtures/trace/fixtures';
import { capture, delta, log, T0, vertex } from './deltas';

function recordingSink() {
  const calls: string[] = [];
  const sink: ProgressSink = {
    events: (nodeId, events) => calls.push(`events ${nodeId} ${events.length}`),
    nodeEnded: (nodeId, failure) => calls.push(`ended ${nodeId} ${failure ? failure.error : 'ok'}`),
    close: () => calls.push('close'),
  };
  return { sink, calls };
}

describe('NodeProgress', () => {
  it('reports the failing node, step and a log tail containing "boom" for the real failed build', async () => {
    const { sink } = recordingSink();
    const progress = new NodeProgress('runtime', sink);
    const error = await consumeEngineResponse([readFixture('build-failure')], { onMessage: (m) => progress.onMessage(m) }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(EngineStreamError);
    const report = progress.finish(error as Error);
    expect(report).toEqual({
      nodeId: 'runtime',
      error: (error as Error).message,
      step: '[3/3] RUN for i in $(seq 1 40); do echo "tail line $i"; done; echo boom && false',
      stepIndex: 6,
      logTail: [...Array.from({ length: 29 }, (_, i) => `tail line ${i + 12}`), 'boom'],
    });
  });

  it('finishes a successful build without a report, flushing partial output first, once', () => {
    const { sink, calls } = recordingSink();
    const progress = new NodeProgress('n', sink);
    progress.apply(delta({ vertexes: [vertex('a', 'x', { started: T0 })], logs: [log('a', 'partial')] }));
    expect(progress.finish()).toBeUndefined();
    expect(progress.finish('late')).toBeUndefined();
    expect(calls).toEqual(['events n 1', 'events n 1', 'ended n ok']);
  });

  it('reports a failure without a failing step (e.g. a Dockerfile parse error)', () => {
    const { sink } = recordingSink();
    const report = new NodeProgress('n', sink).finish('dockerfile parse error line 3: unknown instruction: RUNN');
    expect(report).toEqual({ nodeId: 'n', error: 'dockerfile parse error line 3: unknown instruction: RUNN', stepIndex: 0, logTail: [] });
    expect(formatFailureReport(report!)).toEqual(['ERROR: dockerfile parse error line 3: unknown instruction: RUNN']);
  });

  it("falls back to the failing vertex's own error when the engine gave none", () => {
    const state = new BuildProgressState();
    state.apply(delta({ vertexes: [vertex('a', 'RUN x', { started: T0, completed: T0 + 1, error: 'exit code: 2' })] }));
    expect(describeFailure('n', state).error).toBe('exit code: 2');
  });
});

describe('createProgressSink', () => {
  const term = process.env.TERM;
  afterEach(() => {
    process.env.TERM = term;
  });

  it('uses the live view only on an interactive, capable terminal', () => {
    process.env.TERM = 'xterm-256color';
    expect(createProgressSink(capture({ isTTY: true }).out)).toBeInstanceOf(TtyProgressSink);
    expect(createProgressSink(capture().out)).toBeInstanceOf(PlainProgressSink);
    expect(createProgressSink(capture({ isTTY: true }).out, { mode: 'plain' })).toBeInstanceOf(PlainProgressSink);
    process.env.TERM = 'dumb';
    expect(createProgressSink(capture({ isTTY: true }).out)).toBeInstanceOf(PlainProgressSink);
  });
});
