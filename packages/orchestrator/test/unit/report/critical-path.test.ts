import { criticalPath } from '../../../src/report/critical-path';

describe('criticalPath', () => {
  it('follows the dependent chain with the largest total duration', () => {
    // a(5) -> b(1) -> d(1); a -> c(10) -> d: a, c, d (16) beats a, b, d (7)
    const nodes = [
      { key: 'a', durationMs: 5, upstream: [] },
      { key: 'b', durationMs: 1, upstream: ['a'] },
      { key: 'c', durationMs: 10, upstream: ['a'] },
      { key: 'd', durationMs: 1, upstream: ['b', 'c'] },
      { key: 'lone', durationMs: 3, upstream: [] },
    ];
    expect(criticalPath(nodes)).toEqual(['a', 'c', 'd']);
  });

  it('picks a lone long node over a short chain, and is empty for no nodes', () => {
    expect(criticalPath([{ key: 'x', durationMs: 1, upstream: [] }, { key: 'y', durationMs: 1, upstream: ['x'] }, { key: 'z', durationMs: 9, upstream: [] }])).toEqual(['z']);
    expect(criticalPath([])).toEqual([]);
  });
});
