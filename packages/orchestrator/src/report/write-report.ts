import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReport } from './build-report';
import { renderReportMarkdown } from './report-markdown';

/**
 * Writes DIR/build-report.json and DIR/build-report.md; when GITHUB_STEP_SUMMARY names a file (GitHub Actions), the
 * Markdown is appended to it so the run's summary page shows it. Returns the files written.
 */
export function writeBuildReport(dir: string, report: BuildReport, env: NodeJS.ProcessEnv = process.env): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'build-report.json');
  const md = join(dir, 'build-report.md');
  const markdown = renderReportMarkdown(report);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(md, markdown);
  const written = [json, md];
  if (env.GITHUB_STEP_SUMMARY) {
    appendFileSync(env.GITHUB_STEP_SUMMARY, markdown + '\n');
    written.push(env.GITHUB_STEP_SUMMARY);
  }
  return written;
}
