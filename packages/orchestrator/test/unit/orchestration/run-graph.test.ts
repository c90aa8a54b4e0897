import { runGraph, type NodeBuilder } from '../../../src/orchestration/run-graph';
import type { PlannedBuild } from '../../../src/plan/make-plan';

/** A fake engine: records calls, fails the keys it is told to, and waits until released or aborted. */
class FakeBuilder implements NodeBuilder {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  maxConcurrent = 0;
  private active = 0;
  constructor(private readonly opts: { upToDate?: string[]; fail?: string[]; hang?: string[] } = {}) {}

  async check(b: PlannedBuild) {
    return (this.opts.upToDate ?? []).includes(b.key) ? ('up to date' as const) : undefined;
  }

  async build(b: PlannedBuild, signal: AbortSignal) {
    this.started.push(b.key);
    this.active++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
    try {
      await new Promise<void>((resolve, reject) => {
        if ((this.opts.hang ?? []).includes(b.key)) {
          signal.addEventListener('abort', () => reject(new Error('canceled')));
          return;
        }
        setTimeout(() => ((this.opts.fail ?? []).includes(b.key) ? reject(new Error(`${b.key} broke`)) : resolve()), 10);
      });
      this.finished.push(b.key);
    } finally {
      this.active--;
    }
  }
}

/** Planned builds with only what the scheduler reads: key and upstream keys. */
function plan(edges: Record<string, string[]>): PlannedBuild[] {
  return Object.entries(edges).map(([key, upstream]) => ({ key, upstream }) as unknown as PlannedBuild);
}

//   a -> b -> d
//   a -> c
//   e (independent)
const diamond = () => plan({ a: [], b: ['a'], c: ['a'], e: [], d: ['b'] });

describe('runGraph (fake engine: orchestration only)', () => {
  it('builds upstream before downstream', async () => {
    const builder = new FakeBuilder();
    const results = await runGraph(diamond(), builder, { parallel: 1 });
    expect(results.map((r) => r.outcome)).toEqual(['built', 'built', 'built', 'built', 'built']);
    const pos = (k: string) => builder.started.indexOf(k);
    expect(pos('a')).toBeLessThan(pos('b'));
    expect(pos('b')).toBeLessThan(pos('d'));
    expect(pos('a')).toBeLessThan(pos('c'));
  });

  it('never runs more than `parallel` builds at once, and does run them in parallel', async () => {
    const builder = new FakeBuilder();
    await runGraph(plan({ a: [], b: [], c: [], d: [], e: [] }), builder, { parallel: 2 });
    expect(builder.maxConcurrent).toBe(2);
  });

  it('does not build what is up to date', async () => {
    const builder = new FakeBuilder({ upToDate: ['a', 'b', 'c', 'd', 'e'] });
    const results = await runGraph(diamond(), builder, { parallel: 2 });
    expect(builder.started).toEqual([]);
    expect(results.every((r) => r.outcome === 'up to date')).toBe(true);
  });

  it('skips the dependents of a failure and finishes independent branches', async () => {
    const builder = new FakeBuilder({ fail: ['b'] });
    const results = await runGraph(diamond(), builder, { parallel: 1 });
    const byKey = Object.fromEntries(results.map((r) => [r.build.key, r]));
    expect(byKey.b.outcome).toBe('failed');
    expect(String(byKey.b.error)).toContain('b broke');
    expect(byKey.d).toMatchObject({ outcome: 'skipped', because: 'b' });
    expect(byKey.c.outcome).toBe('built');
    expect(byKey.e.outcome).toBe('built');
    expect(builder.started).not.toContain('d');
  });

  it('cancels in-flight builds and starts nothing after an abort', async () => {
    const builder = new FakeBuilder({ hang: ['a'] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const results = await runGraph(plan({ a: [], b: ['a'] }), builder, { parallel: 1, signal: controller.signal });
    expect(results.map((r) => r.outcome)).toEqual(['canceled', 'canceled']);
    expect(builder.started).toEqual(['a']);
  });
});
