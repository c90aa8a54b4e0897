import { existsSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Copy } from 'dockerfile-ast';
import { isUserError } from '../../../src/errors/user-error';
import { renderNode, type RenderOptions } from '../../../src/render/render-node';
import { writeSingleContext } from '../../../src/render/single-context';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

const AMD64 = 'linux/amd64';

function parse(text: string) {
  const df = DockerfileParser.parse(text);
  const froms = df.getFROMs();
  return {
    df,
    stages: froms.map((f) => f.getBuildStage()),
    images: froms.map((f) => f.getImage()),
    globalArgs: Object.fromEntries(df.getInitialARGs().flatMap((a) => a.getProperties().map((p) => [p.getName(), p.getValue()]))),
    /** Instruction texts of the stage named `stage`. */
    stage(stage: string): string[] {
      const i = froms.findIndex((f) => f.getBuildStage() === stage);
      if (i < 0) throw new Error(`no stage ${stage}`);
      const start = froms[i].getRange().start.line;
      const end = i + 1 < froms.length ? froms[i + 1].getRange().start.line : Infinity;
      return df
        .getInstructions()
        .filter((x) => x.getRange().start.line >= start && x.getRange().start.line < end)
        .map((x) => x.toString().replace(/\\\n\s*/g, ''));
    },
  };
}

function render(ws: TempWorkspace, node: string, options?: RenderOptions, platform = AMD64, profile?: string) {
  return renderNode(loadGraph({ root: ws.root, profile }), node, platform, options);
}

function renderError(files: Record<string, string>, node: string, options?: RenderOptions): string {
  const ws = tempWorkspace(files);
  try {
    render(ws, node, options);
  } catch (e) {
    if (isUserError(e)) return e.format();
    throw e;
  } finally {
    ws.remove();
  }
  throw new Error('expected a user error');
}

describe('render: one multi-stage Dockerfile for a node', () => {
  let ws: TempWorkspace;
  beforeAll(() => (ws = tempWorkspace(validWorkspaceFiles())));
  afterAll(() => ws.remove());

  it('holds each node of the closure once, upstream first, the target stage named after the node', () => {
    const result = render(ws, 'top.a');
    const { stages } = parse(result.dockerfile);
    expect(stages).toEqual(['base', 'mid', 'top.a']);
    expect(result.nodes).toEqual(['base', 'mid', 'top.a']);
    expect(result.stages).toEqual(stages);
    expect(new Set(stages).size).toBe(stages.length);
  });

  it('marks where each fragment begins (and ends), in order', () => {
    const { dockerfile } = render(ws, 'top.a');
    const markers = dockerfile.split('\n').filter((l) => l.startsWith('# === BEGIN'));
    expect(markers).toEqual([
      '# === BEGIN fragment base (fragments/base/Dockerfile) ===',
      '# === BEGIN fragment mid (fragments/mid/Dockerfile) ===',
      '# === BEGIN fragment top.a (fragments/top/Dockerfile) ===',
    ]);
    expect(dockerfile).toContain('# === END fragment top.a ===');
  });

  it('replaces FROM ${UPSTREAM_ARG} with the upstream stage; no upstream ARG is left in a FROM', () => {
    const { dockerfile } = render(ws, 'top.a');
    const { images, df } = parse(dockerfile);
    expect(images).toEqual(['${base__BASE_IMAGE}', 'base', 'mid']);
    for (const from of df.getFROMs()) {
      expect(from.getVariables().map((v) => v.getName())).not.toEqual(expect.arrayContaining(['BASE', 'MID']));
    }
  });

  it('hoists every ARG into one global block with resolved defaults, renamed per node, and rebinds in-stage ARGs', () => {
    const { dockerfile } = render(ws, 'top.b');
    const parsed = parse(dockerfile);
    expect(parsed.globalArgs).toEqual({
      base__BASE_IMAGE: 'local/busybox:1.35',
      base__TOOL_VERSION: '1.2.3',
      mid__BASE: 'base',
      mid__MODE: 'release',
      top_b__MID: 'mid',
      top_b__FLAVOR: 'b',
    });
    expect(parsed.stage('base')).toEqual(['FROM ${base__BASE_IMAGE} AS base', 'ARG base__TOOL_VERSION', 'ARG TOOL_VERSION=${base__TOOL_VERSION}', 'COPY --from=ctx-base hello.txt /hello.txt', 'RUN echo $TOOL_VERSION']);
    expect(parsed.stage('top.b')).toContain('ARG FLAVOR=${top_b__FLAVOR}');
  });

  it('the header is comments only, names the build command, and is not read as a parser directive', () => {
    const result = render(ws, 'top.a');
    const { df } = parse(result.dockerfile);
    expect(df.getDirectives()).toEqual([]);
    expect(result.dockerfile.split('\n')[0]).toMatch(/^# Rendered by fragments render: top.a for linux\/amd64/);
    expect(result.buildCommand).toBe('docker buildx build --platform linux/amd64 --target top.a -f - --build-context ctx-base=fragments/base .');
    expect(result.dockerfile).toContain('#     --build-context ctx-base=fragments/base \\');
    expect(result.dockerfile).toContain('cannot read named contexts: render with --single-context DIR');
    expect(result.dockerfile).toContain('# Not locked (no digest/checksum in pins.lock.yaml; run fragments pins lock): images.busybox');
  });

  it('resolves pins per platform and applies a lock entry made for the same reference', () => {
    ws.write('pins.yaml', ['platforms: [linux/amd64, linux/arm64]', 'images:', '  busybox:', '    linux/amd64: local/busybox:1.35-amd64', '    linux/arm64: local/busybox:1.35-arm64', 'versions:', '  tool: "1.2.3"', ''].join('\n'));
    ws.write('pins.lock.yaml', `images:\n  busybox:\n    linux/arm64: { ref: local/busybox:1.35-arm64, digest: "sha256:${'a'.repeat(64)}" }\n`);
    try {
      expect(parse(render(ws, 'base').dockerfile).globalArgs.base__BASE_IMAGE).toBe('local/busybox:1.35-amd64');
      const arm = render(ws, 'base', {}, 'linux/arm64');
      expect(parse(arm.dockerfile).globalArgs.base__BASE_IMAGE).toBe(`local/busybox:1.35-arm64@sha256:${'a'.repeat(64)}`);
      expect(arm.unlocked).toEqual([]);
      expect(arm.buildCommand).toContain('--platform linux/arm64');
    } finally {
      ws.write('pins.yaml', validWorkspaceFiles()['pins.yaml']);
      ws.write('pins.lock.yaml', 'images: {}\n');
    }
  });

  it('is deterministic', () => {
    expect(render(ws, 'top.a').dockerfile).toBe(render(ws, 'top.a').dockerfile);
  });

  it('renders a fragment without variants by its name, and refuses a name with several nodes', () => {
    expect(render(ws, 'mid').nodeId).toBe('mid');
    expect(() => render(ws, 'top')).toThrow(/fragment "top" has 2 nodes .*render needs one/);
  });
});

const APP_NO_TARGET = 'image: test/app\nuses: { LIB: lib }\nbases: { BASE: other }\nargs: { GREETING: app }\n';

/** A fragment with several stages, every kind of stage reference and context read. */
function multiStageFiles(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pins.yaml': 'platforms: [linux/amd64]\nimages:\n  busybox: local/busybox:1.35\n  other: local/other:2\nversions:\n  greeting: "hello world $HOME"\n',
    'fragments/lib/fragment.yaml': 'image: test/lib\nbases: { BASE: busybox }\npins: { GREETING: greeting }\n',
    'fragments/lib/Dockerfile': 'ARG BASE\nFROM ${BASE}\nARG GREETING\nCOPY lib.txt /opt/lib/\n',
    'fragments/lib/lib.txt': 'lib\n',
    'fragments/app/fragment.yaml': 'image: test/app\nuses: { LIB: lib }\nbases: { BASE: other }\nargs: { GREETING: app }\ntarget: final\n',
    'fragments/app/Dockerfile': [
      'ARG LIB',
      'ARG BASE',
      'ARG FLAVOR=plain',
      'ARG TAG=${FLAVOR}-1',
      'ARG TARGETARCH',
      'FROM ${LIB} AS lib',
      'FROM --platform=$BUILDPLATFORM ${BASE} AS Builder',
      'ARG FLAVOR',
      'ARG TAG',
      'ARG GREETING',
      'ARG OWN=mine',
      'ARG TARGETARCH',
      'RUN --mount=type=bind,from=lib,source=/opt/lib,target=/l \\',
      '    --mount=type=cache,target=/cache \\',
      '    --mount=type=bind,source=build.sh,target=/b.sh sh /b.sh',
      'COPY --from=lib /opt/lib /opt/lib',
      'COPY src/ /src/',
      'COPY ["dir with space/a.txt", "./b.txt", "/dst/"]',
      'COPY . /all/',
      'ADD https://example.com/x.tgz /x.tgz',
      'FROM ${BASE}',
      'COPY --from=0 /opt/lib /from-index',
      'COPY --from=builder /src /src',
      'COPY --from=Builder /src /src2',
      'COPY --from=${LIB} /opt/lib /from-arg',
      'FROM builder AS final',
      'COPY --from=1 /src /src3',
      'FROM scratch AS after-target',
      'COPY --from=final / /',
      '',
    ].join('\n'),
    'fragments/app/build.sh': 'echo build\n',
    'fragments/app/src/main.c': 'int main(){}\n',
    'fragments/app/dir with space/a.txt': 'a\n',
    'fragments/app/b.txt': 'b\n',
    ...extra,
  };
}

describe('render: stage references, ARG scoping and contexts', () => {
  let ws: TempWorkspace;
  beforeAll(() => (ws = tempWorkspace(multiStageFiles())));
  afterAll(() => ws.remove());

  it('prefixes the stages of each fragment, names the target stage after the node and drops stages after it', () => {
    const { stages } = parse(render(ws, 'app').dockerfile);
    expect(stages).toEqual(['lib', 'app--lib', 'app--builder', 'app--2', 'app']);
  });

  it('rewrites COPY --from, RUN --mount from= and FROM <stage> references to the new names (by name, index or uses ARG)', () => {
    const parsed = parse(render(ws, 'app').dockerfile);
    expect(parsed.images).toEqual(['${lib__BASE}', 'lib', '${app__BASE}', '${app__BASE}', 'app--builder']);
    const copiesFrom = parsed.df
      .getCOPYs()
      .map((c) => (c as Copy).getFlags().find((f) => f.getName() === 'from')?.getValue())
      .filter((v): v is string => typeof v === 'string' && !v.startsWith('ctx-'));
    expect(copiesFrom).toEqual(['app--lib', 'app--lib', 'app--builder', 'app--builder', 'lib', 'app--builder']);
    expect(parsed.stage('app--builder').join('\n')).toContain('RUN --mount=type=bind,from=app--lib,source=/opt/lib,target=/l');
    // The platform flag keeps BuildKit's automatic ARG.
    expect(parsed.df.getFROMs()[2].getPlatformFlag()?.getValue()).toBe('$BUILDPLATFORM');
  });

  it('renames global ARGs per node, also inside other global defaults, and keeps automatic platform ARGs as they are', () => {
    const parsed = parse(render(ws, 'app').dockerfile);
    expect(parsed.globalArgs).toMatchObject({ TARGETARCH: null, app__FLAVOR: 'plain', app__TAG: '${app__FLAVOR}-1', app__GREETING: 'app', app__LIB: 'lib' });
    // A value with blanks or `$` is quoted so BuildKit reads it literally (the engine test builds with it).
    expect(render(ws, 'app').dockerfile).toContain('ARG lib__GREETING="hello world \\$HOME"\n');
    expect(parsed.globalArgs).not.toHaveProperty('app__TARGETARCH');
  });

  it('gives in-stage ARGs the value Docker would: binding > own default > global default', () => {
    const builder = parse(render(ws, 'app').dockerfile).stage('app--builder');
    // FLAVOR: global default, no own default -> rebound; TAG likewise; GREETING: bound -> rebound.
    expect(builder).toEqual(expect.arrayContaining(['ARG app__FLAVOR', 'ARG FLAVOR=${app__FLAVOR}', 'ARG TAG=${app__TAG}', 'ARG GREETING=${app__GREETING}']));
    // OWN: unbound, own default -> as written. TARGETARCH: automatic -> as written.
    expect(builder).toEqual(expect.arrayContaining(['ARG OWN=mine', 'ARG TARGETARCH']));
    expect(builder.filter((l) => l.startsWith('ARG app__'))).toHaveLength(3);
  });

  it('named contexts: context COPYs and bind mounts read ctx-<node>; heredocs, remote ADDs and cache mounts are untouched', () => {
    const result = render(ws, 'app');
    const builder = parse(result.dockerfile).stage('app--builder');
    expect(builder).toEqual(
      expect.arrayContaining([
        'COPY --from=ctx-app src/ /src/',
        'COPY --from=ctx-app ["dir with space/a.txt", "./b.txt", "/dst/"]',
        'COPY --from=ctx-app . /all/',
        'ADD https://example.com/x.tgz /x.tgz',
      ]),
    );
    expect(builder.join('\n')).toContain('--mount=type=cache,target=/cache --mount=type=bind,source=build.sh,target=/b.sh,from=ctx-app sh /b.sh');
    expect(result.contexts.map((c) => c.name)).toEqual(['ctx-lib', 'ctx-app']);
    expect(result.buildCommand).toBe('docker buildx build --platform linux/amd64 --target app -f - --build-context ctx-lib=fragments/lib --build-context ctx-app=fragments/app .');
  });

  it('single context: context sources are rewritten under .fragments/<node>/', () => {
    const result = render(ws, 'app', { mode: 'single-context', contextPath: 'out' });
    const builder = parse(result.dockerfile).stage('app--builder');
    expect(builder).toEqual(
      expect.arrayContaining([
        'COPY .fragments/app/src/ /src/',
        'COPY [".fragments/app/dir with space/a.txt", ".fragments/app/b.txt", "/dst/"]',
        'COPY .fragments/app /all/',
        'ADD https://example.com/x.tgz /x.tgz',
      ]),
    );
    expect(builder.join('\n')).toContain('--mount=type=bind,source=.fragments/app/build.sh,target=/b.sh sh /b.sh');
    expect(parse(result.dockerfile).stage('lib')).toContain('COPY .fragments/lib/lib.txt /opt/lib/');
    expect(result.buildCommand).toBe('DOCKER_BUILDKIT=1 docker build --platform linux/amd64 --target app -f out/Dockerfile out');
  });

  it('finds --from among other flags, and renames a stage chosen by an ARG (FROM layout-${LAYOUT}) keeping the choice an ARG', () => {
    const files = multiStageFiles({
      'fragments/app/fragment.yaml': APP_NO_TARGET,
      'fragments/app/Dockerfile': [
        'ARG LIB',
        'ARG BASE',
        'ARG LAYOUT=cuda',
        'FROM ${BASE} AS layout-cuda',
        'FROM ${BASE} AS layout-upstream',
        'FROM layout-${LAYOUT} AS final',
        'ARG LAYOUT',
        'ARG GREETING',
        'COPY --chown=1:1 --from=${LIB} /opt/lib /opt/lib',
        'COPY --from=layout-cuda --chmod=644 /a /b',
        'COPY --link --from=layout-$LAYOUT /a /c',
        'FROM ${BASE}',
        'COPY --from=lib-${LAYOUT} /a /b',
        '',
      ].join('\n'),
    });
    const w = tempWorkspace(files);
    try {
      const parsed = parse(render(w, 'app').dockerfile);
      expect(parsed.stages).toEqual(['lib', 'app--layout-cuda', 'app--layout-upstream', 'app--final', 'app']);
      expect(parsed.images[3]).toBe('app--layout-${app__LAYOUT}');
      expect(parsed.stage('app--final')).toEqual(
        expect.arrayContaining(['COPY --chown=1:1 --from=lib /opt/lib /opt/lib', 'COPY --from=app--layout-cuda --chmod=644 /a /b', 'COPY --link --from=app--layout-$LAYOUT /a /c']),
      );
      // Not a stage of this file once resolved (lib-cuda): left as an image reference.
      expect(parsed.stage('app')).toContain('COPY --from=lib-${LAYOUT} /a /b');
    } finally {
      w.remove();
    }
  });

  it('single context: a bind mount of the whole context gets source=.fragments/<node>', () => {
    const files = multiStageFiles({ 'fragments/lib/Dockerfile': 'ARG BASE\nFROM ${BASE}\nARG GREETING\nRUN --mount=target=/ctx ls /ctx\n' });
    const w = tempWorkspace(files);
    try {
      expect(render(w, 'lib', { mode: 'single-context' }).dockerfile).toContain('RUN --mount=target=/ctx,source=.fragments/lib ls /ctx');
      expect(render(w, 'lib').dockerfile).toContain('RUN --mount=target=/ctx,from=ctx-lib ls /ctx');
    } finally {
      w.remove();
    }
  });

  it('writes the combined context: each used context under .fragments/<node>/, honouring its .dockerignore', async () => {
    ws.write('fragments/app/.dockerignore', 'b.txt\n');
    ws.write('fragments/app/run.sh', '#!/bin/sh\n', 0o755);
    const out = join(ws.root, 'out');
    try {
      const result = render(ws, 'app', { mode: 'single-context', contextPath: 'out' });
      const written = await writeSingleContext(result, out);
      expect(readFileSync(written.dockerfile, 'utf8')).toBe(result.dockerfile);
      expect(readFileSync(join(out, '.fragments/lib/lib.txt'), 'utf8')).toBe('lib\n');
      expect(readFileSync(join(out, '.fragments/app/dir with space/a.txt'), 'utf8')).toBe('a\n');
      expect(existsSync(join(out, '.fragments/app/b.txt'))).toBe(false);
      expect(statSync(join(out, '.fragments/app/run.sh')).mode & 0o777).toBe(0o755);
      // A second write replaces the folder: no stale files.
      ws.write('fragments/app/.dockerignore', 'b.txt\nsrc\n');
      await writeSingleContext(render(ws, 'app', { mode: 'single-context', contextPath: 'out' }), out);
      expect(existsSync(join(out, '.fragments/app/src'))).toBe(false);
    } finally {
      ws.write('fragments/app/.dockerignore', '');
    }
  });

  it('keeps symlinks of a context as links', async () => {
    const files = multiStageFiles();
    const w = tempWorkspace(files);
    try {
      symlinkSync('lib.txt', join(w.root, 'fragments/lib/link.txt'));
      const out = join(w.root, 'out');
      await writeSingleContext(render(w, 'lib', { mode: 'single-context' }), out);
      expect(readlinkSync(join(out, '.fragments/lib/link.txt'))).toBe('lib.txt');
    } finally {
      w.remove();
    }
  });
});

describe('render: what it refuses, with where and what to do', () => {
  it('an upstream ARG inside a longer FROM expression', () => {
    const files = multiStageFiles({ 'fragments/app/fragment.yaml': APP_NO_TARGET, 'fragments/app/Dockerfile': 'ARG LIB\nARG BASE\nFROM ${LIB}-slim\nARG GREETING\n' });
    expect(renderError(files, 'app')).toMatch(/fragments\/app\/Dockerfile:3: FROM "\$\{LIB\}-slim" uses \$\{LIB\}, which is bound under "uses"/);
  });

  it('ADD of context files with named contexts (and accepts it with a single context)', () => {
    const files = multiStageFiles({ 'fragments/lib/Dockerfile': 'ARG BASE\nFROM ${BASE}\nARG GREETING\nADD lib.txt /opt/\n' });
    expect(renderError(files, 'lib')).toMatch(/fragments\/lib\/Dockerfile:4: ADD lib.txt reads the build context[^\n]*\n\s+use COPY .*--single-context/);
    const w = tempWorkspace(files);
    try {
      expect(render(w, 'lib', { mode: 'single-context' }).dockerfile).toContain('ADD .fragments/lib/lib.txt /opt/');
    } finally {
      w.remove();
    }
  });

  it('a literal image named like a stage of the rendered file', () => {
    const files = multiStageFiles({ 'fragments/app/fragment.yaml': APP_NO_TARGET, 'fragments/app/Dockerfile': 'ARG LIB\nARG BASE\nFROM lib AS x\nFROM ${BASE}\nARG GREETING\n' });
    expect(renderError(files, 'app')).toMatch(/fragments\/app\/Dockerfile:3: image "lib" has the name of stage "lib"/);
  });

  it('a platform a node is not built for', () => {
    const files = multiStageFiles({ 'fragments/lib/fragment.yaml': 'image: test/lib\nbases: { BASE: busybox }\npins: { GREETING: greeting }\nplatforms: [linux/arm64]\n' });
    expect(renderError(files, 'app')).toMatch(/fragments\/lib\/fragment.yaml:4: platforms: lib is not built for linux\/amd64/);
  });

  it('a node name that does not exist', () => {
    expect(renderError(multiStageFiles(), 'nope')).toMatch(/no fragment or node named "nope"/);
  });

  it('a "# syntax=" directive is dropped with a warning (it would not be first in the file)', () => {
    const w = tempWorkspace(multiStageFiles({ 'fragments/lib/Dockerfile': '# syntax=docker/dockerfile:1.4\nARG BASE\nFROM ${BASE}\nARG GREETING\n' }));
    try {
      const result = render(w, 'lib');
      expect(result.warnings).toEqual(['fragments/lib/Dockerfile: its "# syntax=docker/dockerfile:1.4" directive is dropped; the rendered Dockerfile uses the builder\'s built-in frontend']);
      expect(result.dockerfile).not.toContain('# syntax=');
    } finally {
      w.remove();
    }
  });

  it('a Dockerfile with another escape character', () => {
    expect(renderError(multiStageFiles({ 'fragments/lib/Dockerfile': '# escape=`\nARG BASE\nFROM ${BASE}\nARG GREETING\n' }), 'lib')).toMatch(/fragments\/lib\/Dockerfile:1: uses "# escape="/);
  });
});

describe('fragments render (CLI)', () => {
  let ws: TempWorkspace;
  beforeAll(() => (ws = tempWorkspace(validWorkspaceFiles())));
  afterAll(() => ws.remove());

  const run = async (args: string[]) => {
    const { main } = await import('../../../src/cli/main');
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    try {
      return { code: await main(['--root', ws.root, ...args]), stderr: err.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('-o FILE writes the Dockerfile and prints the build command naming that file', async () => {
    const { code, stderr } = await run(['render', 'top.a', '--platform', AMD64, '-o', join(ws.root, 'rendered.Dockerfile')]);
    expect(code).toBe(0);
    const text = readFileSync(join(ws.root, 'rendered.Dockerfile'), 'utf8');
    expect(parse(text).stages).toEqual(['base', 'mid', 'top.a']);
    expect(stderr).toContain('docker buildx build --platform linux/amd64 --target top.a -f rendered.Dockerfile --build-context ctx-base=fragments/base .');
  });

  it('--single-context DIR writes the Dockerfile and the combined context', async () => {
    const { code, stderr } = await run(['render', 'mid', '--platform', AMD64, '--single-context', join(ws.root, 'ctx')]);
    expect(code).toBe(0);
    expect(readFileSync(join(ws.root, 'ctx/.fragments/base/hello.txt'), 'utf8')).toBe('hello\n');
    expect(parse(readFileSync(join(ws.root, 'ctx/Dockerfile'), 'utf8')).stages).toEqual(['base', 'mid']);
    expect(stderr).toContain('DOCKER_BUILDKIT=1 docker build --platform linux/amd64 --target mid -f ctx/Dockerfile ctx');
  });

  it('an unknown node exits 1 with the list of nodes', async () => {
    const { code, stderr } = await run(['render', 'nope', '--platform', AMD64]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error: no fragment or node named "nope"/);
  });
});

describe('render: the offline example stack (every node, both modes)', () => {
  const root = join(__dirname, '../../../../../examples/offline-stack');
  const graph = loadGraph({ root, profile: 'local' });

  it.each([...graph.nodes.keys()].flatMap((id) => [[id, 'named-contexts'] as const, [id, 'single-context'] as const]))('%s (%s)', (id, mode) => {
    const result = renderNode(graph, id, AMD64, { mode });
    const { df, stages } = parse(result.dockerfile);
    expect(stages[stages.length - 1]).toBe(id);
    expect(new Set(stages).size).toBe(stages.length);
    expect(result.dockerfile.match(/^# === BEGIN fragment /gm)).toHaveLength(result.nodes.length);
    // Every FROM is an earlier stage, or a renamed global ARG (never an upstream ARG left unresolved).
    const globals = new Set(df.getInitialARGs().flatMap((a) => a.getProperties().map((p) => p.getName())));
    df.getFROMs().forEach((from, i) => {
      const image = from.getImage()!;
      const variable = /^\$\{(\w+)\}$/.exec(image)?.[1];
      if (variable) expect(globals.has(variable) && variable.includes('__')).toBe(true);
      else expect(stages.slice(0, i)).toContain(image);
    });
    // Every stage reference of COPY --from / RUN --mount from= names an earlier stage or a context.
    const referenced = df.getInstructions().flatMap((x) => {
      const flags = 'getFlags' in x ? (x as Copy).getFlags() : [];
      return flags.flatMap((f) => (f.getName() === 'from' ? [f.getValue()] : f.getName() === 'mount' ? f.getOptions().filter((o) => o.getName() === 'from').map((o) => o.getValue()) : []));
    });
    for (const ref of referenced) expect(stages.includes(ref!) || ref!.startsWith('ctx-')).toBe(true);
    if (mode === 'single-context') expect(referenced.filter((r) => r!.startsWith('ctx-'))).toEqual([]);
  });
});
