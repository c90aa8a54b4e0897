import { BuildProgressState } from '../../../src/progress/build-state';
import type { ProgressEvent } from '../../../src/progress/progress-events';
import { fixtureDeltas } from '../../fixtures/trace/fixtures';
import { delta, log, status, T0, vertex } from './deltas';

/** Compact event description for assertions. */
function brief(events: ProgressEvent[]): string[] {
  return events.map((e) => {
    const n = `#${e.vertex.index}`;
    switch (e.type) {
      case 'vertex-start':
        return `${n} start ${e.vertex.name}`;
      case 'vertex-log':
        return `${n} log ${e.line} @${e.offsetSeconds}`;
      case 'vertex-status':
        return `${n} status ${e.status.id}`;
      case 'vertex-warning':
        return `${n} warn ${e.warning.short}`;
      case 'vertex-end':
        return `${n} end ${e.outcome} ${e.vertex.durationSeconds}`;
    }
  });
}

describe('BuildProgressState', () => {
  it('numbers vertexes when they first start, not when first announced', () => {
    const s = new BuildProgressState();
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'step a'), vertex('b', 'step b')] })))).toEqual([]);
    expect(brief(s.apply(delta({ vertexes: [vertex('b', 'step b', { started: T0 })] })))).toEqual(['#1 start step b']);
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'step a', { started: T0 })] })))).toEqual(['#2 start step a']);
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'step a', { started: T0 })] })))).toEqual([]);
  });

  it('orders a delta as start, logs, end and flushes the partial line before the end', () => {
    const s = new BuildProgressState();
    s.apply(delta({ vertexes: [vertex('a', 'RUN x', { started: T0 })] }));
    expect(brief(s.apply(delta({ logs: [log('a', 'one\ntw', T0 + 1500)] })))).toEqual(['#1 log one @1.5']);
    const events = s.apply(
      delta({ vertexes: [vertex('a', 'RUN x', { started: T0, completed: T0 + 2000 })], logs: [log('a', 'o', T0 + 1900)] }),
    );
    expect(brief(events)).toEqual(['#1 log two @2', '#1 end done 2']);
  });

  it('reports cached vertexes and vertexes that arrive complete in one delta', () => {
    const s = new BuildProgressState();
    const events = s.apply(
      delta({
        vertexes: [
          vertex('b', 'late', { started: T0, completed: T0 + 300 }),
          vertex('a', 'cached', { cached: true, started: T0, completed: T0 + 100 }),
        ],
      }),
    );
    expect(brief(events)).toEqual(['#1 start late', '#2 start cached', '#2 end cached 0.1', '#1 end done 0.3']);
  });

  it('reports a completion once, and again only after the vertex re-ran', () => {
    const s = new BuildProgressState();
    s.apply(delta({ vertexes: [vertex('a', 'x', { started: T0, completed: T0 + 1000 })] }));
    // A second run whose interval overlaps the first is not counted twice.
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'x', { started: T0 + 500, completed: T0 + 1500 })] })))).toEqual([]);
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'x', { started: T0 + 3000 })] })))).toEqual([]);
    expect(s.running().map((v) => v.name)).toEqual(['x']);
    expect(brief(s.apply(delta({ vertexes: [vertex('a', 'x', { started: T0 + 3000, completed: T0 + 4000 })] })))).toEqual([
      '#1 end done 2.5',
    ]);
  });

  it('merges statuses by id and shows their vertex', () => {
    const s = new BuildProgressState();
    s.apply(delta({ vertexes: [vertex('e', 'exporting to image', { started: T0 })] }));
    const first = s.apply(delta({ statuses: [status('e', 'layers', { started: T0, current: 1 })] }));
    expect(brief(first)).toEqual(['#1 status layers']);
    const second = s.apply(delta({ statuses: [status('e', 'layers', { current: 2, completed: T0 + 5 })] }));
    expect(second[0]).toMatchObject({ type: 'vertex-status', status: { current: 2, started: T0, completed: T0 + 5 } });
  });

  it('shows a vertex known only from its logs under its digest', () => {
    const s = new BuildProgressState();
    expect(brief(s.apply(delta({ logs: [log('sha256:zz', 'hi\n')] })))).toEqual(['#1 start sha256:zz', '#1 log hi @0']);
  });

  it('picks the real failure over cancellations of parallel steps', () => {
    const s = new BuildProgressState({ tailLines: 2 });
    s.apply(
      delta({
        vertexes: [
          vertex('p', 'parallel', { started: T0, completed: T0 + 100, error: 'rpc error: context canceled' }),
          vertex('f', 'RUN fail', { started: T0, completed: T0 + 200, error: 'exit code: 1' }),
        ],
        logs: [log('f', 'a\nb\nc\n')],
      }),
    );
    const failed = s.failedVertex();
    expect(failed?.vertex).toMatchObject({ name: 'RUN fail', outcome: 'error' });
    expect(failed?.logTail).toEqual(['b', 'c']);
    expect(s.logTail('p')).toEqual([]);
    expect(s.vertices().find((v) => v.digest === 'p')?.outcome).toBe('canceled');
  });

  it('flushes unterminated output at the end of the build', () => {
    const s = new BuildProgressState();
    s.apply(delta({ vertexes: [vertex('a', 'x', { started: T0 })], logs: [log('a', 'no newline', T0 + 10)] }));
    expect(brief(s.finish())).toEqual(['#1 log no newline @0']);
    expect(s.logTail('a')).toEqual(['no newline']);
  });

  describe('on real engine traces', () => {
    const run = (name: 'build-success' | 'build-cached' | 'build-failure') => {
      const s = new BuildProgressState();
      const events = fixtureDeltas(name).flatMap((d) => s.apply(d));
      events.push(...s.finish());
      return { s, events };
    };

    it('success: every shown vertex completes, logs are whole lines, one number per vertex', () => {
      const { s, events } = run('build-success');
      expect(s.running()).toEqual([]);
      expect(s.failedVertex()).toBeUndefined();
      const vertices = s.vertices();
      expect(vertices.map((v) => v.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(vertices.map((v) => v.outcome)).toEqual(['done', 'done', 'done', 'done', 'cached', 'done', 'done']);
      expect(events.filter((e) => e.type === 'vertex-end')).toHaveLength(7);
      const run3 = vertices[5];
      expect(run3.name).toMatch(/^\[3\/3\] RUN printf/);
      expect(run3.durationSeconds).toBeGreaterThan(1);
      const lines = events.filter((e) => e.type === 'vertex-log' && e.vertex === run3).map((e) => e.type === 'vertex-log' && e.line);
      expect(lines).toEqual(['partial-line joined', 'héllo wörld ✓', 'step 1', 'step 2', 'step 3', 'to stderr']);
    });

    it('cached rebuild: the Dockerfile steps are CACHED', () => {
      const { s } = run('build-cached');
      const byName = new Map(s.vertices().map((v) => [v.name.slice(0, 5), v.outcome]));
      expect(byName.get('[2/3]')).toBe('cached');
      expect(byName.get('[3/3]')).toBe('cached');
      expect(byName.get('copy ')).toBe('cached');
    });

    it('failure: the failing step, its error and its last 30 lines ending in "boom"', () => {
      const { s } = run('build-failure');
      const failed = s.failedVertex();
      expect(failed?.vertex.name).toBe('[3/3] RUN for i in $(seq 1 40); do echo "tail line $i"; done; echo boom && false');
      expect(failed?.vertex.error).toMatch(/exit code: 1$/);
      expect(failed?.logTail).toHaveLength(30);
      expect(failed?.logTail[0]).toBe('tail line 12');
      expect(failed?.logTail[29]).toBe('boom');
      expect(s.running()).toEqual([]);
    });
  });
});
