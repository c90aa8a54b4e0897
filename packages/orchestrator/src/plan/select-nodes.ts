import { UserError } from '../errors/user-error';
import type { FragmentGraph } from '../graph/fragment-graph';

/**
 * The nodes to build for the requested names (a fragment name means all its variants; a node id means that node)
 * and everything they use, upstream before downstream.
 */
export function selectClosure(graph: FragmentGraph, names: readonly string[]): string[] {
  const wanted = new Set<string>();
  const add = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    Object.values(graph.nodes.get(id)!.uses).forEach(add);
  };
  const requested = names.length > 0 ? names : graph.fragments.map((f) => f.name);
  for (const name of requested) {
    const ids = graph.nodes.has(name) ? [name] : [...graph.nodes.values()].filter((n) => n.fragment.name === name).map((n) => n.id);
    if (ids.length === 0) {
      throw new UserError(`no fragment or node named "${name}"`, {}, `fragments: ${graph.fragments.map((f) => f.name).join(', ')}; nodes: ${[...graph.nodes.keys()].join(', ')}`);
    }
    ids.forEach(add);
  }
  return graph.order.filter((id) => wanted.has(id));
}

/** Everything downstream of `id` within `ids` (used to skip the dependents of a failed node). */
export function dependentsOf(graph: FragmentGraph, id: string, ids: readonly string[]): Set<string> {
  const result = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const candidate of ids) {
      if (result.has(candidate)) continue;
      const ups = Object.values(graph.nodes.get(candidate)!.uses);
      if (ups.includes(id) || ups.some((u) => result.has(u))) {
        result.add(candidate);
        changed = true;
      }
    }
  }
  return result;
}
