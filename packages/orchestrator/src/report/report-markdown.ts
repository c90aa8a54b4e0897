import { formatSccacheStats } from '../orchestration/sccache-stats';
import type { BuildReport, ReportEntry } from './build-report';

/** build-report.md: a summary table, the critical path and a Mermaid gantt timeline of the run. */
export function renderReportMarkdown(report: BuildReport): string {
  const lines = [
    `## Image build ${report.ok ? 'succeeded' : 'failed'}`,
    '',
    `${report.nodes.length} node(s) on ${report.platforms.join(', ')} in ${seconds(report.durationMs)}, ${report.start} to ${report.end}.`,
    '',
    '| Node | Outcome | Duration | Steps cached / run | sccache | Image | Why |',
    '| --- | --- | ---: | --- | --- | --- | --- |',
    ...report.nodes.map(row),
    '',
    '### Critical path',
    '',
    report.criticalPath.length > 0
      ? `${report.criticalPath.map((k) => `\`${k}\``).join(' → ')} (${seconds(sum(report, report.criticalPath))})`
      : 'nothing ran',
    '',
    '### Timeline',
    '',
    ...gantt(report),
    '',
  ];
  return lines.join('\n');
}

function row(e: ReportEntry): string {
  const steps = e.steps ? `${e.steps.cached} / ${e.steps.run}` : '–';
  const sccache = e.sccache ? formatSccacheStats(e.sccache) : '–';
  const image = e.image ? `${megabytes(e.image.sizeBytes)}, ${e.image.layers} layers` : '–';
  const why = e.because ? `upstream ${e.because} failed` : (e.error ?? e.reason ?? '–');
  return `| \`${e.key}\` | ${e.outcome} | ${seconds(e.durationMs)} | ${steps} | ${sccache} | ${image} | ${cell(why)} |`;
}

/**
 * Mermaid gantt with millisecond timestamps (`dateFormat x`), one bar per node that ran, in the order the nodes
 * started; the critical path is marked `crit`, failures too.
 */
export function gantt(report: BuildReport): string[] {
  const ran = report.nodes.filter((e) => e.start && e.end).sort((a, b) => Date.parse(a.start!) - Date.parse(b.start!) || a.key.localeCompare(b.key));
  const onPath = new Set(report.criticalPath);
  const out = ['```mermaid', 'gantt', '  title fragments build', '  dateFormat x', '  axisFormat %M:%S'];
  for (const platform of report.platforms) {
    const bars = ran.filter((e) => e.platform === platform);
    if (bars.length === 0) continue;
    out.push(`  section ${platform}`);
    bars.forEach((e, i) => {
      const tags = [e.outcome === 'failed' || onPath.has(e.key) ? 'crit' : '', e.outcome === 'built' || e.outcome === 'pushed' ? '' : 'done'].filter(Boolean);
      // Mermaid ends a task name at ':' and an id must be unique: keys hold neither ':' nor spaces, ids are counted.
      const start = Date.parse(e.start!);
      const end = Math.max(Date.parse(e.end!), start + 1);
      out.push(`  ${e.key.replace(/[:#;]/g, '_')} (${e.outcome}) :${[...tags, `n${platform.replace(/\W/g, '')}${i}`, start, end].join(', ')}`);
    });
  }
  out.push('```');
  return out;
}

function sum(report: BuildReport, keys: string[]): number {
  return keys.reduce((t, k) => t + (report.nodes.find((e) => e.key === k)?.durationMs ?? 0), 0);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
