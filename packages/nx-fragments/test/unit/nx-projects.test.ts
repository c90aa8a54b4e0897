import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../../orchestrator/test/support/temp-workspace';
import { makeNxWorkspace, nx } from '../support/nx-workspace';

describe('nx infers a project per fragment (real nx, temporary workspace)', () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = tempWorkspace({ ...validWorkspaceFiles(), 'profiles/local.yaml': 'images: { busybox: "local/busybox:other" }\n' });
    makeNxWorkspace(ws);
  });
  afterAll(() => ws.remove());

  it('lists every fragment as a project without any project.json', async () => {
    const { stdout } = await nx(ws, ['show', 'projects', '--json']);
    expect(JSON.parse(stdout).sort()).toEqual(['base', 'mid', 'top']);
  }, 60_000);

  it('has the uses edges as project dependencies', async () => {
    await nx(ws, ['graph', '--file=graph.json']);
    const graph = JSON.parse(readFileSync(join(ws.root, 'graph.json'), 'utf8')).graph;
    const edges = (p: string) => graph.dependencies[p].map((d: { target: string }) => d.target).sort();
    expect(edges('top')).toEqual(['mid']);
    expect(edges('mid')).toEqual(['base']);
    expect(edges('base')).toEqual([]);
  }, 60_000);

  it('gives each project an uncached image target that depends on ^image and covers pins and profiles', async () => {
    const { stdout } = await nx(ws, ['show', 'project', 'top', '--json']);
    const target = JSON.parse(stdout).targets.image;
    expect(target.dependsOn).toEqual([{ dependencies: true, target: 'image', params: 'forward' }]);
    expect(target.cache).toBe(false);
    expect(target.options.command).toBe('fragments build top');
    expect(target.inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*', '{workspaceRoot}/pins.yaml', '{workspaceRoot}/profiles/*.yaml']));
    expect(target.configurations.local).toEqual({ args: '--profile local' });
    expect(target.configurations.ci).toEqual({ args: '--push --progress plain' });
  }, 60_000);

  it('gives each project a cacheable render target that writes one Dockerfile per node', async () => {
    const { stdout } = await nx(ws, ['show', 'project', 'top', '--json']);
    const render = JSON.parse(stdout).targets.render;
    expect(render.cache).toBe(true);
    expect(render.options.commands).toEqual(['fragments render top.a -o dist/rendered/top.a.Dockerfile', 'fragments render top.b -o dist/rendered/top.b.Dockerfile']);
    expect(render.outputs).toEqual(['{workspaceRoot}/dist/rendered/top.a.Dockerfile', '{workspaceRoot}/dist/rendered/top.b.Dockerfile']);
    // The rendered file holds the whole closure, so upstream fragment folders are inputs too.
    expect(render.inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/fragments/base/**/*', '{workspaceRoot}/fragments/mid/**/*']));
  }, 60_000);

  it('reports a broken fragment.yaml with its file and line', async () => {
    const broken = tempWorkspace({ ...validWorkspaceFiles(), 'fragments/mid/fragment.yaml': 'image: test/mid\nuses: { BASE: nope }\nargs: { MODE: release }\n' });
    makeNxWorkspace(broken);
    try {
      await expect(nx(broken, ['show', 'projects'])).rejects.toMatchObject({ stderr: expect.stringContaining('fragments/mid/fragment.yaml:2: uses.BASE: uses fragment "nope"') });
    } finally {
      broken.remove();
    }
  }, 60_000);
});
