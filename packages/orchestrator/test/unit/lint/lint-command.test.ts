import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { APP_YAML, BASE_PINS, FIXTURES } from './lint-helpers';
import { tempWorkspace } from '../../support/temp-workspace';

/** Runs `fragments --root <root> lint …` in-process and captures what it prints. */
async function lint(root: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    return { code: await main(['--root', root, 'lint', ...args]), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined; // the command sets it; leave the test process as it was
  }
}

const fixture = (rule: string, kind: 'fail' | 'pass') => join(FIXTURES, rule, kind);

describe('fragments lint', () => {
  it('prints nothing but the summary and exits 0 when clean', async () => {
    expect(await lint(fixture('apt-lists', 'pass'))).toEqual({ code: 0, stdout: 'lint: clean (1 fragment)\n', stderr: '' });
  });

  it('prints file:line: rule: message, the hint, a summary, and exits 1 on findings', async () => {
    const { code, stdout } = await lint(fixture('apt-lists', 'fail'));
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'fragments/app/Dockerfile:3: apt-lists: apt-get update without removing /var/lib/apt/lists in the same RUN',
      '  end the RUN with `rm -rf /var/lib/apt/lists/*` (or mount a cache at /var/lib/apt/lists)',
      'fragments/app/Dockerfile:4: apt-lists: apt-get update without removing /var/lib/apt/lists in the same RUN',
      '  end the RUN with `rm -rf /var/lib/apt/lists/*` (or mount a cache at /var/lib/apt/lists)',
      'lint: 2 findings in 1 file (1 fragment; apt-lists 2)',
      '',
    ]);
  });

  it('--json gives the findings and a summary', async () => {
    const { code, stdout } = await lint(fixture('git-pinned-ref', 'fail'), '--json');
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.summary).toEqual({ findings: 3, fragments: 1 });
    expect(json.findings[0]).toEqual({
      rule: 'git-pinned-ref',
      file: 'fragments/app/Dockerfile',
      line: 4,
      message: 'git clone of https://github.com/example/tool.git without a pinned ref',
      hint: expect.stringContaining('--branch'),
    });
  });

  it('reports only the named fragments, while rules still compare every fragment', async () => {
    expect((await lint(fixture('artifact-built-twice', 'fail'), 'ucx')).code).toBe(0);
    const { code, stdout } = await lint(fixture('artifact-built-twice', 'fail'), 'backend');
    expect(code).toBe(1);
    expect(stdout).toContain('lint: 3 findings in 1 file (1 fragment; artifact-built-twice 3)');
  });

  it('accepts node ids', async () => {
    expect((await lint(join(FIXTURES, 'artifact-built-twice', 'pass'), 'ucx.mt')).code).toBe(0);
  });

  it('refuses an unknown fragment as a user error, without a stack', async () => {
    const { code, stderr } = await lint(fixture('apt-lists', 'pass'), 'nope');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: fragments: no fragment or node "nope"\n  fragments: app\n$/);
  });

  it('--rules lists every rule with its definition', async () => {
    const { code, stdout } = await lint(fixture('apt-lists', 'pass'), '--rules');
    expect(code).toBe(0);
    for (const id of ['base-image-tag', 'arg-unbound', 'apt-no-recommends', 'apt-lists', 'credentials', 'download-checksum', 'git-pinned-ref', 'artifact-built-twice', 'runtime-compilers', 'layer-count']) {
      expect(stdout).toContain(`${id}\n  `);
    }
  });

  it('does not crash on a broken Dockerfile', async () => {
    const ws = tempWorkspace({
      'pins.yaml': BASE_PINS,
      'fragments/app/fragment.yaml': APP_YAML,
      'fragments/app/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN "unterminated $(curl\nRUN <<EOF\nno end\nCOPY\nENV\nADD\nRUN ["sh", "-c"\nFROM\n',
    });
    try {
      const { code, stderr } = await lint(ws.root);
      expect([0, 1]).toContain(code);
      expect(stderr).not.toContain('internal error');
    } finally {
      ws.remove();
    }
  });
});
