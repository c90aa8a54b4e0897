/** A node as the critical path sees it: its own duration and the nodes it waited for. */
export interface PathNode {
  key: string;
  durationMs: number;
  upstream: string[];
}

/**
 * The chain of dependent nodes whose durations add up to the most: no amount of parallelism finishes the run faster
 * than this chain. Nodes come in plan order (upstream first). Ties go to the earlier node in plan order.
 */
export function criticalPath(nodes: readonly PathNode[]): string[] {
  const best = new Map<string, { total: number; via?: string }>();
  for (const node of nodes) {
    let via: string | undefined;
    let before = 0;
    for (const up of node.upstream) {
      const b = best.get(up);
      if (b && b.total > before) [before, via] = [b.total, up];
    }
    best.set(node.key, { total: before + node.durationMs, via });
  }
  let end: string | undefined;
  let max = -1;
  for (const node of nodes) {
    const total = best.get(node.key)!.total;
    if (total > max) [max, end] = [total, node.key];
  }
  const path: string[] = [];
  for (let k = end; k !== undefined; k = best.get(k)?.via) path.unshift(k);
  return path;
}
