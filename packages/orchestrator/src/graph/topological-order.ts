/**
 * Depth-first topological order over `edges` (node -> its upstream nodes), deterministic for a given input order.
 * Returns the cycle (first node repeated at the end) when there is one.
 */
export function topologicalOrder(ids: readonly string[], upstreamOf: (id: string) => readonly string[]): { order: string[] } | { cycle: string[] } {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const stack: string[] = [];

  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const up of upstreamOf(id)) {
      const cycle = visit(up);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    order.push(id);
    return undefined;
  };

  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return { cycle };
  }
  return { order };
}
