/**
 * sccache statistics printed by compile steps, read back from their build logs. Fragments end each compiling RUN
 * with `echo SCCACHE_JSON_BEGIN; sccache --show-stats --stats-format json; echo SCCACHE_JSON_END`, or with Dynamo's
 * framed markers and wrapper object (fragments/nixl/sccache/sccache-setup); the orchestrator adds them up per node so
 * a build says how much the compiler cache saved.
 */
export interface SccacheStats {
  compileRequests: number;
  hits: number;
  misses: number;
  /** Steps that reported statistics. */
  steps: number;
}

// Bare, or framed as Dynamo's use-sccache.sh prints them (`=== SCCACHE_JSON_BEGIN ===`).
const BEGIN = /^(=== )?SCCACHE_JSON_BEGIN( ===)?$/;
const END = /^(=== )?SCCACHE_JSON_END( ===)?$/;

interface SccacheJson {
  /** Dynamo's wrapper object: `{"section", "enabled", "sccache_stats": <sccache's JSON> | null}`. */
  sccache_stats?: SccacheJson | null;
  stats?: {
    compile_requests?: number;
    cache_hits?: { counts?: Record<string, number> };
    cache_misses?: { counts?: Record<string, number> };
  };
}

export function parseSccacheJson(text: string): SccacheStats | undefined {
  let json: SccacheJson;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // a step that printed the markers around something else: not ours to interpret
  }
  const sum = (counts?: Record<string, number>) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
  if (json && 'sccache_stats' in json) json = json.sccache_stats ?? {};
  if (!json?.stats) return undefined;
  return { compileRequests: json.stats.compile_requests ?? 0, hits: sum(json.stats.cache_hits?.counts), misses: sum(json.stats.cache_misses?.counts), steps: 1 };
}

/** Collects the marked JSON from one build's log stream (chunks arrive per vertex and split anywhere). */
export class SccacheLogScanner {
  private readonly partial = new Map<string, string>();
  private readonly capturing = new Map<string, string[]>();
  private total: SccacheStats | undefined;

  feed(vertex: string, chunk: string): void {
    const lines = ((this.partial.get(vertex) ?? '') + chunk).split('\n');
    this.partial.set(vertex, lines.pop()!);
    for (const raw of lines) this.line(vertex, raw.replace(/\r$/, ''));
  }

  /** The node's totals over every step that reported, or undefined when none did. */
  result(): SccacheStats | undefined {
    return this.total;
  }

  private line(vertex: string, line: string): void {
    const captured = this.capturing.get(vertex);
    if (BEGIN.test(line.trim())) {
      this.capturing.set(vertex, []);
    } else if (END.test(line.trim()) && captured) {
      this.capturing.delete(vertex);
      const stats = parseSccacheJson(captured.join('\n'));
      if (stats) this.total = this.total ? add(this.total, stats) : stats;
    } else if (captured) {
      captured.push(line);
    }
  }
}

function add(a: SccacheStats, b: SccacheStats): SccacheStats {
  return { compileRequests: a.compileRequests + b.compileRequests, hits: a.hits + b.hits, misses: a.misses + b.misses, steps: a.steps + b.steps };
}

export function formatSccacheStats(s: SccacheStats): string {
  const cacheable = s.hits + s.misses;
  const rate = cacheable > 0 ? ` (${Math.round((100 * s.hits) / cacheable)}% hit rate)` : '';
  return `${s.compileRequests} compile requests, ${s.hits} hits, ${s.misses} misses${rate}`;
}
