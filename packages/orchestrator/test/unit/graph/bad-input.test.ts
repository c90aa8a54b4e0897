import { join } from 'node:path';
import { UserError, UserErrors } from '../../../src/errors/user-error';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace, validWorkspaceFiles } from '../../support/temp-workspace';

/** Runs loadGraph on the valid workspace with `overrides` applied and returns the formatted user error. */
function errorFor(overrides: Record<string, string | null>, profile?: string): string {
  const files: Record<string, string> = { ...validWorkspaceFiles() };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  const ws = tempWorkspace(files);
  try {
    loadGraph({ root: ws.root, profile });
  } catch (e) {
    if (e instanceof UserError || e instanceof UserErrors) return e.format();
    throw e;
  } finally {
    ws.remove();
  }
  throw new Error('expected a user error, got none');
}

const F = (name: string) => `fragments/${name}/fragment.yaml`;
const D = (name: string) => `fragments/${name}/Dockerfile`;

// Each case: the overrides, then strings the message must contain (file:line, field, the gist).
const cases: [string, Record<string, string | null>, string[]][] = [
  ['bad YAML in a fragment', { [F('mid')]: 'image: test/mid\nuses: { BASE: base\n' }, [`${F('mid')}:`, 'invalid YAML']],
  ['bad YAML in pins.yaml', { 'pins.yaml': 'images:\n  a: [\n' }, ['pins.yaml:', 'invalid YAML']],
  ['duplicate key', { [F('mid')]: 'image: test/mid\nimage: test/other\nuses: { BASE: base }\n' }, [`${F('mid')}:2`, 'invalid YAML']],
  ['unknown key in fragment', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\nimgae: x\n' }, [`${F('mid')}:4`, 'imgae', 'unknown key']],
  ['unknown key in pins', { 'pins.yaml': 'images: { busybox: local/busybox:1 }\nversion: { tool: "1" }\n' }, ['pins.yaml:2', 'unknown key "version"']],
  ['wrong type', { [F('mid')]: 'image: test/mid\nuses: [base]\nargs: { MODE: release }\n' }, [`${F('mid')}:2`, 'uses']],
  ['missing image', { [F('mid')]: 'uses: { BASE: base }\nargs: { MODE: release }\n' }, [F('mid'), 'image']],
  ['bad platform', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\nplatforms: [linux/x86]\n' }, [`${F('mid')}:4`, 'platforms[0]', 'linux/amd64']],
  ['bad ARG name', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { 9MODE: release }\n' }, [`${F('mid')}:3`, 'ARG name']],
  ['missing Dockerfile', { [D('mid')]: null }, [D('mid'), 'missing Dockerfile']],
  ['Dockerfile without fragment.yaml', { [F('mid')]: null }, ['fragments/mid', 'no fragment.yaml']],
  ['Dockerfile without FROM', { [D('mid')]: 'ARG BASE\nARG MODE\nRUN true\n' }, [D('mid'), 'no FROM']],
  ['context above the workspace', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ncontext: ../../..\n' }, [`${F('mid')}:4`, 'context', 'holds the whole workspace']],
  ['context at the file system root', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ncontext: /\n' }, [`${F('mid')}:4`, 'context / holds the whole workspace']],
  ['cycle', { [F('base')]: 'image: test/base\nuses: { BASE_IMAGE: top.a }\npins: { TOOL_VERSION: tool }\n' }, ['cycle', 'base (fragments/base/fragment.yaml)', 'mid', 'top.a']],
  ['uses a fragment that does not exist', { [F('mid')]: 'image: test/mid\nuses: { BASE: bsae }\nargs: { MODE: release }\n' }, [`${F('mid')}:2`, 'uses.BASE', '"bsae", which does not exist', 'known fragments']],
  ['ARG bound but not declared', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release, EXTRA: x }\n' }, [`${F('mid')}:3`, 'args.EXTRA', 'does not declare it']],
  ['FROM ARG not bound', { [F('mid')]: 'image: test/mid\nargs: { MODE: release }\n' }, [`${D('mid')}:2`, '${BASE}', 'does not bind']],
  ['FROM variable never declared', { [D('mid')]: 'FROM ${BASE} AS base\nARG BASE\nARG MODE\n' }, [`${D('mid')}:1`, 'not declared before the first FROM']],
  ['base pin key missing', { [F('base')]: 'image: test/base\nbases: { BASE_IMAGE: busybx }\npins: { TOOL_VERSION: tool }\n' }, [`${F('base')}:2`, 'bases.BASE_IMAGE', '"busybx"', 'pins.yaml']],
  ['version pin key missing', { [F('base')]: 'image: test/base\nbases: { BASE_IMAGE: busybox }\npins: { TOOL_VERSION: tools }\n' }, [`${F('base')}:3`, 'pins.TOOL_VERSION', '"tools"']],
  ['variant reference that does not interpolate', { [F('top')]: 'image: test/top-${flavour}\nuses: { MID: mid }\nargs: { FLAVOR: "${flavor}" }\nvariants: { flavor: [a, b] }\n' }, [`${F('top')}:1`, 'image', '${flavour}', 'known dimensions: ${flavor}']],
  ['interpolation without variants', { [F('mid')]: 'image: test/mid-${x}\nuses: { BASE: base }\nargs: { MODE: release }\n' }, [`${F('mid')}:1`, 'no "variants:"']],
  ['bad variant value', { [F('top')]: 'image: test/top-${flavor}\nuses: { MID: mid }\nargs: { FLAVOR: "${flavor}" }\nvariants: { flavor: [A B] }\n' }, [`${F('top')}:4`, 'variants.flavor[0]']],
  ['ambiguous use of a variant fragment', { [F('mid')]: 'image: test/mid\nuses: { BASE: top }\nargs: { MODE: release }\n' }, [`${F('mid')}:2`, 'ambiguous', 'top.a']],
  ['target that is not a stage', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ntarget: runtime\n' }, [`${F('mid')}:4`, 'target "runtime"', 'stages: base']],
  ['context that does not exist', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ncontext: ../nowhere\n' }, [`${F('mid')}:4`, 'context folder']],
  ['invalid image name', { [F('mid')]: 'image: Test/Mid:1\nuses: { BASE: base }\nargs: { MODE: release }\n' }, [`${F('mid')}:1`, 'not a valid repository']],
  ['ARG bound twice', { [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release, BASE: x }\n' }, [F('mid'), 'bound twice']],
  ['per-platform base lacks a platform', { 'pins.yaml': 'platforms: [linux/amd64, linux/arm64]\nimages:\n  busybox: { linux/amd64: local/busybox:1 }\nversions: { tool: "1" }\n' }, [`${F('base')}:2`, 'no image for linux/arm64']],
  ['missing profile', {}, ['--profile', 'profile "nope" does not exist']],
  ['empty pins.yaml image', { 'pins.yaml': 'images: { busybox: "" }\nversions: { tool: "1" }\n' }, ['pins.yaml:1', 'images.busybox']],
];

describe('bad input names the file and the field or line', () => {
  it.each(cases)('%s', (name, overrides, expected) => {
    const message = errorFor(overrides, name === 'missing profile' ? 'nope' : undefined);
    for (const part of expected) expect(message).toContain(part);
  });

  it('reports every broken fragment in one pass', () => {
    const message = errorFor({
      [F('mid')]: 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\nbogus: 1\n',
      [F('top')]: 'image: test/top\nuses: { MID: mid }\nbogus2: 1\n',
    });
    expect(message).toContain('bogus');
    expect(message).toContain('bogus2');
  });

  it('accepts the valid workspace', () => {
    const ws = tempWorkspace(validWorkspaceFiles());
    try {
      const graph = loadGraph({ root: ws.root });
      expect(graph.order).toEqual(['base', 'mid', 'top.a', 'top.b']);
      expect(graph.nodes.get('top.b')!.image).toBe('test/top-b');
      expect(graph.nodes.get('top.b')!.uses).toEqual({ MID: 'mid' });
    } finally {
      ws.remove();
    }
  });
});

describe('contexts that are fine', () => {
  it.each([['the workspace root', '../..'], ['a folder beside the fragment', '../base']])('%s (context: %s)', (_, context) => {
    const ws = tempWorkspace({ ...validWorkspaceFiles(), [F('mid')]: `image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\ncontext: ${context}\n` });
    try {
      expect(loadGraph({ root: ws.root, parseCache: false }).nodes.get('mid')!.contextDir).toBe(join(ws.root, 'fragments/mid', context));
    } finally {
      ws.remove();
    }
  });
});
