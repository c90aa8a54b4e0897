import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBuildReport, type ReportInputs } from '../../../src/report/build-report';
import { gantt, renderReportMarkdown } from '../../../src/report/report-markdown';
import { writeBuildReport } from '../../../src/report/write-report';
import type { Plan, PlannedBuild } from '../../../src/plan/make-plan';
import type { NodeResult } from '../../../src/orchestration/run-graph';

function build(key: string, upstream: string[] = []): PlannedBuild {
  return { key, node: { id: key } as PlannedBuild['node'], platform: 'linux/amd64', hash: 'h', tag: `t/${key}:0123`, upstream, buildArgs: {}, unlocked: [], content: {} as PlannedBuild['content'] };
}

function inputs(): ReportInputs {
  const base = build('base');
  const app = build('app', ['base']);
  const side = build('side');
  const t0 = Date.parse('2026-11-30T20:00:00Z');
  const results: NodeResult[] = [
    { build: base, outcome: 'built', durationMs: 4000, startedAt: t0, finishedAt: t0 + 4000 },
    { build: side, outcome: 'up to date', durationMs: 10, startedAt: t0 + 5, finishedAt: t0 + 15 },
    { build: app, outcome: 'failed', durationMs: 2000, startedAt: t0 + 4000, finishedAt: t0 + 6000, error: new Error('RUN make: exit 2\nlog tail') },
  ];
  return {
    plan: { platforms: ['linux/amd64'], builds: [base, side, app] } as unknown as Plan,
    results,
    ok: false,
    start: t0 - 100,
    end: t0 + 6100,
    reasons: new Map([['base', 'changed since t/base:old: files: a.c'], ['side', 'up to date']]),
    steps: new Map([['base', { total: 3, cached: 2, run: 1, steps: [] }]]),
    sccache: new Map([['base', { compileRequests: 2, hits: 1, misses: 1, steps: 1 }]]),
    images: new Map([['base', { sizeBytes: 12_300_000, layers: 4 }]]),
  };
}

describe('the build report', () => {
  it('has one entry per node: outcome, times, reason, steps, sccache, image; errors keep their first line only', () => {
    const report = makeBuildReport(inputs());
    expect(report.schema).toBe('fragments-build-report/v1');
    expect(report.durationMs).toBe(6200);
    const base = report.nodes.find((n) => n.key === 'base')!;
    expect(base).toMatchObject({ outcome: 'built', start: '2026-11-30T20:00:00.000Z', end: '2026-11-30T20:00:04.000Z', durationMs: 4000, reason: 'changed since t/base:old: files: a.c', steps: { total: 3, cached: 2, run: 1 }, image: { sizeBytes: 12_300_000, layers: 4 } });
    expect(report.nodes.find((n) => n.key === 'app')!.error).toBe('RUN make: exit 2');
    expect(report.criticalPath).toEqual(['base', 'app']);
  });

  it('renders a table, the critical path and a gantt whose bars come in start order', () => {
    const report = makeBuildReport(inputs());
    const md = renderReportMarkdown(report);
    expect(md).toContain('## Image build failed');
    expect(md).toMatch(/\| `base` \| built \| 4\.0 s \| 2 \/ 1 \| 2 compile requests, 1 hits, 1 misses \(50% hit rate\) \| 12\.3 MB, 4 layers \| changed since/);
    expect(md).toContain('`base` → `app` (6.0 s)');
    const bars = gantt(report).filter((l) => /^\s+\S+ \(/.test(l));
    expect(bars.map((l) => l.trim().split(' ')[0])).toEqual(['base', 'side', 'app']);
    expect(bars[0]).toContain(':crit, ');
    expect(bars[1]).toContain(':done, ');
    expect(gantt(report)).toEqual(expect.arrayContaining(['```mermaid', 'gantt', '  dateFormat x']));
  });

  it('writes both files and appends the Markdown to $GITHUB_STEP_SUMMARY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '# earlier step\n');
      const report = makeBuildReport(inputs());
      const written = writeBuildReport(join(dir, 'out'), report, { GITHUB_STEP_SUMMARY: summary });
      expect(written).toEqual([join(dir, 'out/build-report.json'), join(dir, 'out/build-report.md'), summary]);
      expect(JSON.parse(readFileSync(join(dir, 'out/build-report.json'), 'utf8')).nodes).toHaveLength(3);
      expect(readFileSync(summary, 'utf8')).toMatch(/^# earlier step\n## Image build failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
