import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lintWorkspace } from '../../../src/lint/lint-workspace';
import { listProfiles } from '../../../src/workspace/load-pins';
import { loadGraph } from '../../../src/graph/load-graph';
import { REPO_ROOT } from './lint-helpers';

/** The real Dynamo fragments at the repository root must lint clean, under every profile. */
describe('the real workspace', () => {
  it('has fragments to lint', () => {
    expect(existsSync(join(REPO_ROOT, 'pins.yaml'))).toBe(true);
    expect(loadGraph({ root: REPO_ROOT }).fragments.length).toBeGreaterThan(0);
  });

  it.each([undefined, ...listProfiles(REPO_ROOT)])('lints clean (profile %s)', (profile) => {
    const findings = lintWorkspace(loadGraph({ root: REPO_ROOT, profile }));
    // Printed in the CLI format so a failure reads like `fragments lint` output.
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.rule}: ${f.message}`)).toEqual([]);
  });
});
