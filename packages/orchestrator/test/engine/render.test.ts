import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pack } from 'tar-fs';
import { consumeEngineResponse } from '../../src/engine/consume-response';
import type { EngineConnection } from '../../src/engine/connect-engine';
import { renderNode } from '../../src/render/render-node';
import { writeSingleContext } from '../../src/render/single-context';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, RUN_LABEL, TEST_BASE_IMAGE, type EngineFixture } from '../support/engine-fixture';
import { tempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/**
 * A 3-fragment graph on busybox, rendered into one Dockerfile and built in ONE BuildKit solve by the real engine,
 * with no orchestrator involved:
 *   lib  (two stages, context COPY, pinned GREETING)  ─┐
 *   tool (context bind mount, GREETING with blanks/$) ─┴─> app (COPY --from both, context COPY incl. JSON form,
 *                                                            global ARG default inherited in-stage, own GREETING)
 * Each node binds GREETING to a different value: the per-node renaming must keep them apart.
 */
function stack(): TempWorkspace {
  return tempWorkspace({
    'pins.yaml': `platforms: [linux/amd64]\nimages:\n  busybox: ${TEST_BASE_IMAGE}\nversions:\n  greeting: hello from lib\n`,
    'fragments/lib/fragment.yaml': 'image: rt/lib\nbases: { BASE: busybox }\npins: { GREETING: greeting }\n',
    'fragments/lib/Dockerfile': [
      'ARG BASE',
      'ARG VARIANT=one',
      'FROM ${BASE} AS build',
      'ARG GREETING',
      'COPY lib.txt /src/lib.txt',
      'RUN echo "$GREETING" > /src/greeting',
      'FROM ${BASE} AS variant-one',
      'RUN echo one > /variant',
      'FROM ${BASE} AS variant-two',
      'RUN echo two > /variant',
      // A stage chosen by an ARG, and --from among other flags.
      'FROM variant-${VARIANT} AS lib',
      'COPY --chown=7:7 --from=build /src /opt/lib',
      '',
    ].join('\n'),
    'fragments/lib/lib.txt': 'lib file\n',
    'fragments/tool/fragment.yaml': 'image: rt/tool\nbases: { BASE: busybox }\nargs: { GREETING: "tool says $HOME \\"quoted\\" \\\\ done" }\n',
    'fragments/tool/Dockerfile': [
      'ARG BASE',
      'FROM ${BASE}',
      'ARG GREETING',
      'RUN --mount=type=bind,source=make-tool.sh,target=/tmp/make-tool.sh sh /tmp/make-tool.sh',
      '',
    ].join('\n'),
    'fragments/tool/make-tool.sh': 'mkdir -p /opt/tool && printf "%s\\n" "$GREETING" > /opt/tool/greeting\n',
    'fragments/app/fragment.yaml': 'image: rt/app\nuses: { LIB: lib, TOOL: tool }\nbases: { BASE: busybox }\nargs: { GREETING: app }\n',
    'fragments/app/Dockerfile': [
      'ARG LIB',
      'ARG TOOL',
      'ARG BASE',
      'ARG FLAVOR=plain',
      'FROM ${LIB} AS lib',
      'FROM ${TOOL} AS tool',
      'FROM ${BASE}',
      'ARG FLAVOR',
      'ARG GREETING',
      'COPY --from=lib /opt/lib /opt/lib',
      'COPY --from=tool /opt/tool /opt/tool',
      'COPY app.txt /opt/app/',
      'COPY ["dir with space/x.txt", "/opt/app/x.txt"]',
      'RUN echo "$FLAVOR $GREETING" > /opt/app/args && test ! -e /opt/app/lib.txt',
      '',
    ].join('\n'),
    'fragments/app/app.txt': 'app file\n',
    'fragments/app/dir with space/x.txt': 'x file\n',
  });
}

/** POST /build?version=2 with a tar of `dir` (BuildKit, the engine's built-in Dockerfile frontend). */
async function buildDir(engine: EngineConnection, dir: string, query: Record<string, unknown>): Promise<void> {
  const tar = pack(dir);
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    engine.docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        options: { version: '2', networkmode: 'none', platform: 'linux/amd64', ...query },
        file: tar,
        isStream: true,
        headers: { 'Content-Type': 'application/x-tar', Connection: 'close' },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (err, res) => (err ? reject(err) : resolve(res as IncomingMessage)),
    ),
  );
  await consumeEngineResponse(response);
}

function runIn(image: string, script: string): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', image, 'sh', '-c', script]).toString();
}

describe('a rendered Dockerfile builds through the real engine in one solve', () => {
  let fx: EngineFixture;
  let ws: TempWorkspace;

  beforeAll(async () => {
    fx = await engineFixture();
    ws = stack();
  });
  afterAll(async () => {
    await fx?.cleanup();
    ws?.remove();
  });

  const expectAppImage = (tag: string) => {
    expect(runIn(tag, 'cat /opt/lib/lib.txt /opt/lib/greeting /opt/tool/greeting /opt/app/app.txt /opt/app/x.txt /opt/app/args')).toBe(
      ['lib file', 'hello from lib', 'tool says $HOME "quoted" \\ done', 'app file', 'x file', 'plain app', ''].join('\n'),
    );
  };

  it('--single-context: one combined context, sources under .fragments/<node>/', async () => {
    const result = renderNode(loadGraph({ root: ws.root }), 'app', 'linux/amd64', { mode: 'single-context', contextPath: 'out' });
    expect(result.stages).toEqual(['lib--build', 'lib--variant-one', 'lib--variant-two', 'lib', 'tool', 'app--lib', 'app--tool', 'app']);
    const dir = join(ws.root, 'out');
    await writeSingleContext(result, dir);
    const tag = `${fx.prefix}rendered-app:single`;
    await buildDir(fx.engine, dir, { t: [tag], target: 'app', labels: JSON.stringify(fx.labels) });
    expectAppImage(tag);
    const info = await fx.engine.docker.getImage(tag).inspect();
    expect(info.Config.Labels[RUN_LABEL]).toBe(fx.runId);
  });

  it('a --build-arg <node>__<ARG> overrides that node only', async () => {
    const result = renderNode(loadGraph({ root: ws.root }), 'app', 'linux/amd64', { mode: 'single-context' });
    const dir = join(ws.root, 'out-override');
    await writeSingleContext(result, dir);
    const tag = `${fx.prefix}rendered-app:override`;
    await buildDir(fx.engine, dir, { t: [tag], target: 'app', labels: JSON.stringify(fx.labels), buildargs: JSON.stringify({ tool__GREETING: 'overridden', app__FLAVOR: 'spicy' }) });
    expect(runIn(tag, 'cat /opt/lib/greeting /opt/tool/greeting /opt/app/args')).toBe('hello from lib\noverridden\nspicy app\n');
    // FROM variant-${VARIANT}: the stage is still chosen by the ARG, now lib__VARIANT.
    const other = `${fx.prefix}rendered-lib:variant-two`;
    await buildDir(fx.engine, dir, { t: [other], target: 'lib', labels: JSON.stringify(fx.labels), buildargs: JSON.stringify({ lib__VARIANT: 'two' }) });
    expect(runIn(other, 'cat /variant')).toBe('two\n');
  });

  it('named contexts: the same file with each ctx-<node> given as a stage builds the same image', async () => {
    // Docker 20.10's built-in frontend cannot take --build-context (no buildx here, and `# syntax=` would need a
    // registry). A named context is looked up like a stage, so define each ctx-<node> as a stage holding exactly the
    // fragment's context: this runs every rewritten `COPY --from=ctx-…` and `--mount=…,from=ctx-…` for real.
    const graph = loadGraph({ root: ws.root });
    const named = renderNode(graph, 'app', 'linux/amd64');
    expect(named.contexts.map((c) => c.name)).toEqual(['ctx-lib', 'ctx-tool', 'ctx-app']);
    const single = renderNode(graph, 'app', 'linux/amd64', { mode: 'single-context' });
    const dir = join(ws.root, 'out-named');
    await writeSingleContext(single, dir);
    const contextStages = named.contexts.map((c) => `FROM scratch AS ${c.name}\nCOPY ${c.prefix}/ /\n`).join('');
    const firstFragment = named.dockerfile.indexOf('# === BEGIN fragment');
    const dockerfile = named.dockerfile.slice(0, firstFragment) + contextStages + named.dockerfile.slice(firstFragment);
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    const tag = `${fx.prefix}rendered-app:named`;
    await buildDir(fx.engine, dir, { t: [tag], target: 'app', labels: JSON.stringify(fx.labels) });
    expectAppImage(tag);
  });

  it('an upstream stage builds on its own with --target <node id>', async () => {
    const result = renderNode(loadGraph({ root: ws.root }), 'app', 'linux/amd64', { mode: 'single-context' });
    const dir = join(ws.root, 'out-target');
    await writeSingleContext(result, dir);
    const tag = `${fx.prefix}rendered-lib:target`;
    await buildDir(fx.engine, dir, { t: [tag], target: 'lib', labels: JSON.stringify(fx.labels) });
    expect(runIn(tag, 'cat /opt/lib/greeting /variant; stat -c %u /opt/lib/lib.txt; test ! -e /opt/app && echo no-app')).toBe('hello from lib\none\n7\nno-app\n');
  });
});
