import { formatTable } from '../text/format-table';
import type { NodeResult } from './run-graph';

/** The closing table of `fragments build`: one row per node, then the counts. */
export function formatSummary(results: readonly NodeResult[]): string {
  const rows = results.map((r) => [
    r.build.key,
    r.build.platform,
    r.outcome,
    r.outcome === 'built' || r.outcome === 'pushed' || r.outcome === 'failed' ? formatDuration(r.durationMs) : '-',
    r.outcome === 'skipped' ? `because ${r.because} failed` : r.build.tag,
  ]);
  const count = (o: NodeResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const totals = `${count('built')} built, ${count('up to date')} up to date, ` +
    (count('in registry') + count('pushed') > 0 ? `${count('in registry')} in registry, ${count('pushed')} pushed, ` : '') +
    `${count('skipped')} skipped, ${count('failed')} failed` +
    (count('canceled') > 0 ? `, ${count('canceled')} canceled` : '');
  return formatTable(['NODE', 'PLATFORM', 'RESULT', 'TIME', 'IMAGE'], rows) + totals + '\n';
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}
