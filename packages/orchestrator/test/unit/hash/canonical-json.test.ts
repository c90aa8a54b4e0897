import { canonicalJson } from '../../../src/hash/canonical-json';

/** The previous implementation, which every existing tag was computed with: the new one must give the same bytes. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: { d: [3, { z: 1, y: null }], c: 'x"\n\u2028é' }, u: undefined }],
    [{ files: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`d${i % 7}/f${i}.txt`, `file:644:${i}`])), format: 1, target: null }],
    [[1, 'two', { b: [], a: {} }, null, true]],
    ['just a string'],
    [42],
    [{ '10': 'numeric-looking keys', '2': 'sort as strings', a: 1 }],
  ])('encodes %# exactly as before (sorted keys, no undefined)', (value) => {
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('is independent of key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });
});
