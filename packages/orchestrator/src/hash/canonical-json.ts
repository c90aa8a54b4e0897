/**
 * JSON with object keys sorted at every level: the same value always encodes to the same bytes, whatever order the
 * YAML (or the code) produced the keys in. Arrays keep their order: where order is irrelevant, callers sort first.
 * Keys whose value is undefined are left out, as JSON.stringify does.
 *
 * Written out directly rather than by building a sorted copy for JSON.stringify: a node's inputs hold one key per
 * context file, and copying a 20,000-key object costs more than encoding it.
 */
export function canonicalJson(value: unknown): string {
  return encode(value) ?? 'null';
}

function encode(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return encode((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => encode(v) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of canonicalKeyOrder(Object.keys(record))) {
    const encoded = encode(record[key]);
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Sorted keys, in the order the first implementation produced (JSON.stringify of an object built from sorted keys):
 * JavaScript puts integer-like keys ("2", "10") first, in numeric order, whatever the insertion order.
 */
function canonicalKeyOrder(keys: string[]): string[] {
  const sorted = keys.sort();
  const indexes = sorted.filter(isArrayIndex);
  if (indexes.length === 0) return sorted;
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...sorted.filter((k) => !isArrayIndex(k))];
}

function isArrayIndex(key: string): boolean {
  // The first character rules out almost every key (context paths, ARG names) before the regular expression runs.
  const first = key.charCodeAt(0);
  if (!(first >= 48 && first <= 57)) return false;
  return /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
