import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { tempWorkspace } from '../../support/temp-workspace';
import { propertyOptions } from '../../support/property-options';
import { expectNoInternalCliError, runCliInProcess } from '../../support/run-cli';

/**
 * fragment.yaml, pins.yaml, profiles, pins.lock.yaml, Dockerfiles and .dockerignore files that are structured but
 * wrong: arbitrary JSON values under known and unknown keys, wrong types, bad names, dangling and cyclic `uses`.
 * Whatever the workspace holds, the commands that read it (list, graph, lint, plan --no-engine, render) end in
 * success or a user error, never in an internal error.
 */

const json = fc.jsonValue({ maxDepth: 2 });

/** A valid workspace (base -> mid -> top with variants, pins with every section, a profile), as plain values. */
function validModel(): Record<string, unknown> {
  return {
    pins: {
      platforms: ['linux/amd64', 'linux/arm64'],
      images: { busybox: 'local/busybox:1', per: { 'linux/amd64': 'local/a:1', 'linux/arm64': 'local/b:1' } },
      versions: { tool: '1.2.3', num: 7 },
      downloads: { file: { url: 'https://example.invalid/f' } },
    },
    profile: { images: { busybox: 'local/busybox:2' }, versions: { tool: '2.0' } },
    lock: { images: { busybox: { 'linux/amd64': { ref: 'local/busybox:1', digest: 'sha256:' + 'a'.repeat(64) } } }, downloads: {} },
    base: { image: 'test/base', bases: { BASE: 'busybox' }, pins: { TOOL: 'tool' }, downloads: { FILE: 'file' } },
    mid: { image: 'test/mid', uses: { BASE: 'base' }, args: { MODE: 'release' }, target: 'stage', context: '.' },
    top: { image: 'test/top-${flavor}', uses: { MID: 'mid' }, args: { FLAVOR: '${flavor}' }, variants: { flavor: ['a', 'b'] }, platforms: ['linux/amd64'] },
  };
}

const DOCKERFILES: Record<string, string> = {
  base: 'ARG BASE\nFROM ${BASE}\nARG TOOL\nARG FILE_URL\nARG FILE_SHA256\nRUN echo $TOOL\n',
  mid: 'ARG BASE\nFROM ${BASE} AS stage\nARG MODE\nRUN echo $MODE\n',
  top: 'ARG MID\nFROM ${MID}\nARG FLAVOR\nCOPY . /ctx\nRUN echo $FLAVOR\n',
};
const OTHER_DOCKERFILES = [
  '',
  'FROM\n',
  'FROM scratch AS stage\nCOPY . /\n',
  'ARG X=${Y:-z}\nFROM ${X}\n',
  'ARG MID\nFROM ${MID} AS a\nFROM a AS a\n',
  'FROM busybox\nRUN <<EOF\nunterminated\n',
  'ARG BASE\nFROM ${BASE} AS stage\nFROM ${UNDECLARED}\n',
  'ARG BASE\nFROM --platform=$BUILDPLATFORM ${BASE}\nCOPY --from=nowhere / /\n',
];

const KEYS = [
  'image', 'uses', 'bases', 'pins', 'downloads', 'args', 'target', 'platforms', 'context', 'variants', 'jit', 'description',
  'images', 'versions', 'url', 'ref', 'digest', 'sha256', 'busybox', 'tool', 'file', 'per', 'linux/amd64', 'linux/arm64',
  'BASE', 'MID', 'FLAVOR', 'MODE', 'flavor', 'unknown', 'Bad Key', '', '0', '__proto__', 'constructor', 'toString',
];
/** Values that are wrong in interesting ways: dangling or cyclic references, bad names, escapes from the folder. */
const WRONG = fc.constantFrom<unknown>(
  // No "/" or "../../..": a context there would walk (and hash) the machine's whole file system or /tmp.
  'top', 'top.a', 'top.c', 'mid', 'base', 'missing', '', 'Bad Name', '${flavor}', '${nope}', '..', '../..', 'sub',
  'stage', 'nostage', 'busybox', 'per', 'windows/amd64', 'linux/arm64', 'UPPER/x:1', 'ftp://x', 'file:///etc/passwd',
  [], {}, null, 0, -1, 1e300, true, ['a', 'a'], ['A B'], { flavor: [] }, { BASE: 'top' }, { MID: 'top.a' }, { X: 'mid' },
  { 'linux/amd64': 'local/x:1' }, { url: { 'linux/arm64': 'https://example.invalid/g' } },
);
const mutation = fc.record({
  file: fc.constantFrom('pins', 'profile', 'lock', 'base', 'mid', 'top'),
  // Mostly under a key the file really has, so the change lands in a known section.
  path: fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom('image', 'uses', 'bases', 'pins', 'downloads', 'args', 'target', 'platforms', 'context', 'variants', 'images', 'versions') }, { weight: 1, arbitrary: fc.constantFrom(...KEYS) }),
      fc.array(fc.constantFrom(...KEYS), { maxLength: 2 }),
    )
    .map(([first, rest]) => [first, ...rest]),
  value: fc.oneof({ weight: 3, arbitrary: WRONG }, { weight: 1, arbitrary: json }, { weight: 1, arbitrary: fc.constant(undefined) }),
});

/** Sets (or, for `undefined`, deletes) `path` inside `root`, creating objects on the way; never touches prototypes. */
function setIn(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object') {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    } else node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

const ignoreText = fc.string({ unit: fc.constantFrom('*', '?', '[', ']', '\\', '!', '{', '}', '|', 'a', '/', '\n', '.', '2'), maxLength: 20 });

/** `arb` in `percent` % of the cases, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary: arb });

const workspace = fc.record({
  mutations: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  /** Whole-file changes: a file replaced by raw text, another Dockerfile, or removed. */
  rawYaml: sometimes(fc.record({ file: fc.constantFrom('pins', 'profile', 'lock', 'base', 'mid', 'top'), text: fc.oneof(fc.string({ maxLength: 30 }), json.map((v) => stringify(v))) }), 8),
  dockerfile: sometimes(fc.record({ fragment: fc.constantFrom('base', 'mid', 'top'), text: fc.oneof(fc.constantFrom(...OTHER_DOCKERFILES), fc.string({ maxLength: 30 })) }), 12),
  removed: sometimes(fc.constantFrom('pins.yaml', 'pins.lock.yaml', 'fragments/mid/fragment.yaml', 'fragments/top/Dockerfile', 'fragments'), 5),
  dockerignore: sometimes(fc.record({ fragment: fc.constantFrom('base', 'mid', 'top'), text: ignoreText }), 30),
  extraFragment: sometimes(fc.constantFrom('Bad Name', '_x', 'sub.dir'), 5),
  profile: sometimes(fc.constantFrom('local', 'local', 'missing', '../pins', '', 'Bad name'), 30),
  node: fc.constantFrom('base', 'mid', 'top', 'top.a', 'top.b', 'missing', '', 'top.c', 'mid.x'),
});

type Workspace = typeof workspace extends fc.Arbitrary<infer T> ? T : never;

const FILES: Record<string, string> = {
  pins: 'pins.yaml',
  profile: 'profiles/local.yaml',
  lock: 'pins.lock.yaml',
  base: 'fragments/base/fragment.yaml',
  mid: 'fragments/mid/fragment.yaml',
  top: 'fragments/top/fragment.yaml',
};

function writeWorkspace(w: Workspace) {
  const model = validModel();
  for (const m of w.mutations) setIn(model[m.file] as Record<string, unknown>, m.path, m.value);
  const ws = tempWorkspace();
  // Never let a generated context reach outside the temp workspace (a walk of / or /tmp); it then simply does not exist.
  for (const name of ['base', 'mid', 'top']) {
    const config = model[name] as Record<string, unknown> | null;
    const context = config && typeof config === 'object' ? config.context : undefined;
    if (typeof context === 'string' && relative(ws.root, resolve(ws.root, 'fragments', name, context)).startsWith('..')) config!.context = 'outside';
  }
  for (const [key, file] of Object.entries(FILES)) ws.write(file, w.rawYaml?.file === key ? w.rawYaml.text : stringify(model[key]));
  for (const [name, text] of Object.entries(DOCKERFILES)) {
    ws.write(`fragments/${name}/Dockerfile`, w.dockerfile?.fragment === name ? w.dockerfile.text : text);
    ws.write(`fragments/${name}/sub/file.txt`, `${name}\n`);
  }
  if (w.dockerignore) ws.write(`fragments/${w.dockerignore.fragment}/.dockerignore`, w.dockerignore.text);
  if (w.extraFragment) {
    ws.write(`fragments/${w.extraFragment}/fragment.yaml`, 'image: test/extra\n');
    ws.write(`fragments/${w.extraFragment}/Dockerfile`, 'FROM scratch\n');
  }
  if (w.removed) rmSync(join(ws.root, w.removed), { recursive: true, force: true });
  return ws;
}

describe('workspace files: no content is an internal error', () => {
  it('list, graph, lint, plan --no-engine and render end in success or a user error', async () => {
    await fc.assert(
      fc.asyncProperty(workspace, async (w) => {
        const ws = writeWorkspace(w);
        try {
          const global = ['--root', ws.root, ...(w.profile !== null ? ['--profile', w.profile] : [])];
          for (const command of [
            ['list', '--json'],
            ['graph'],
            ['lint'],
            ['plan', '--no-engine', '--json', '--platform', 'linux/amd64'],
            ['render', w.node, '--platform', 'linux/amd64'],
          ]) {
            const argv = [...global, ...command];
            expectNoInternalCliError(argv, await runCliInProcess(argv));
          }
        } finally {
          ws.remove();
        }
      }),
      propertyOptions(100),
    );
  });
});
