import { join, resolve } from 'node:path';
import type { Finding } from '../../../src/lint/finding';
import { lintWorkspace } from '../../../src/lint/lint-workspace';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace } from '../../support/temp-workspace';

export const FIXTURES = resolve(__dirname, '../../fixtures/lint');
export const REPO_ROOT = resolve(__dirname, '../../../../..');

/** `file:line: rule`: what a finding must get right, in the CLI's own format. */
export function where(f: Finding): string {
  return `${f.file}:${f.line}: ${f.rule}`;
}

export function lintFixture(rule: string, kind: 'fail' | 'pass', profile?: string): Finding[] {
  return lintWorkspace(loadGraph({ root: join(FIXTURES, rule, kind), profile }));
}

/** Lints a throwaway workspace made of `files`. */
export function lintFiles(files: Record<string, string>, fragments?: string[]): Finding[] {
  const ws = tempWorkspace(files);
  try {
    return lintWorkspace(loadGraph({ root: ws.root }), { fragments });
  } finally {
    ws.remove();
  }
}

/** pins.yaml with one pinned base image, for workspaces built in tests. */
export const BASE_PINS = 'images:\n  base: docker.io/library/ubuntu:24.04\n';
export const APP_YAML = 'image: test/app\nbases: { BASE_IMAGE: base }\n';
