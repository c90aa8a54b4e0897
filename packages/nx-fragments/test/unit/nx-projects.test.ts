// createNodes and createDependencies called directly, as nx calls them, on temporary workspaces: fast. The real nx
// (loading the plugin from node_modules, running the inferred targets) is covered by test/engine/nx-image-target.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateDependenciesContext, CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../../orchestrator/test/support/temp-workspace';
import { packageCodeDigest } from '../../src/code-version';
import { inferenceCacheFile, inferenceKey } from '../../src/inference-cache';
import { createDependencies, createNodes, fragmentConfigGlob } from '../../src/plugin';

const CONFIG_FILES = ['fragments/base/fragment.yaml', 'fragments/mid/fragment.yaml', 'fragments/top/fragment.yaml'];

const nodesContext = (ws: TempWorkspace): CreateNodesContext => ({ workspaceRoot: ws.root, nxJsonConfiguration: {} });

/** project root -> project, as nx would merge the results. */
async function inferProjects(ws: TempWorkspace, options?: { targetName?: string }, files = CONFIG_FILES): Promise<Record<string, ProjectConfiguration>> {
  const results = await createNodes[1](files, options, nodesContext(ws));
  return Object.fromEntries(results.flatMap(([, result]) => Object.entries(result.projects ?? {})).map(([root, p]) => [root, { root, ...p }]));
}

function dependencyEdges(ws: TempWorkspace) {
  const context = { workspaceRoot: ws.root, nxJsonConfiguration: {}, externalNodes: {}, projects: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } } as CreateDependenciesContext;
  return createDependencies(undefined, context);
}

describe('createNodes on a temporary workspace (no nx process)', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ ...validWorkspaceFiles(), 'profiles/local.yaml': 'images: { busybox: "local/busybox:other" }\n' });
  });
  afterEach(() => {
    rmSync(inferenceCacheFile(ws.root), { force: true });
    ws.remove();
  });

  it('matches only top-level fragment folders', () => {
    expect(fragmentConfigGlob).toBe('fragments/*/fragment.yaml');
  });

  it('infers one project per fragment.yaml, named after the fragment, with no project.json', async () => {
    const projects = await inferProjects(ws);
    expect(Object.keys(projects).sort()).toEqual(['fragments/base', 'fragments/mid', 'fragments/top']);
    expect(projects['fragments/top']).toMatchObject({ name: 'top', projectType: 'application', tags: ['fragment'] });
  });

  it('answers only for the config files it is given', async () => {
    expect(Object.keys(await inferProjects(ws, undefined, ['fragments/mid/fragment.yaml']))).toEqual(['fragments/mid']);
  });

  it('gives each project an uncached image target that depends on ^image and covers pins and profiles', async () => {
    const target = (await inferProjects(ws))['fragments/top'].targets!.image;
    expect(target.dependsOn).toEqual([{ dependencies: true, target: 'image', params: 'forward' }]);
    expect(target.cache).toBe(false);
    expect(target.options.command).toBe('fragments build top');
    expect(target.inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*', '{workspaceRoot}/pins.yaml', '{workspaceRoot}/profiles/*.yaml']));
    expect(target.configurations).toEqual({ local: { args: '--profile local' }, ci: { args: '--push --progress plain' } });
  });

  it('names the image target as the options say, and its ^dependency too', async () => {
    const targets = (await inferProjects(ws, { targetName: 'docker' }))['fragments/top'].targets!;
    expect(Object.keys(targets).sort()).toEqual(['docker', 'render']);
    expect(targets.docker.dependsOn).toEqual([{ dependencies: true, target: 'docker', params: 'forward' }]);
  });

  it('gives each project a cacheable render target that writes one Dockerfile per node', async () => {
    const render = (await inferProjects(ws))['fragments/top'].targets!.render;
    expect(render.cache).toBe(true);
    expect(render.options.commands).toEqual(['fragments render top.a -o dist/rendered/top.a.Dockerfile', 'fragments render top.b -o dist/rendered/top.b.Dockerfile']);
    expect(render.outputs).toEqual(['{workspaceRoot}/dist/rendered/top.a.Dockerfile', '{workspaceRoot}/dist/rendered/top.b.Dockerfile']);
    // The rendered file holds the whole closure, so upstream fragment folders are inputs too.
    expect(render.inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/fragments/base/**/*', '{workspaceRoot}/fragments/mid/**/*']));
  });

  it('has the uses: edges as static project dependencies, recorded against the fragment.yaml', async () => {
    const edges = await dependencyEdges(ws);
    expect(edges.map((d) => [d.source, d.target, d.type, 'sourceFile' in d ? d.sourceFile : undefined]).sort()).toEqual([
      ['mid', 'base', 'static', 'fragments/mid/fragment.yaml'],
      ['top', 'mid', 'static', 'fragments/top/fragment.yaml'],
    ]);
  });

  it('has no dependencies (and no error) in a workspace without fragments', async () => {
    const empty = tempWorkspace({ 'package.json': '{}' });
    try {
      expect(await dependencyEdges(empty)).toEqual([]);
    } finally {
      empty.remove();
    }
  });

  it('reports a broken fragment.yaml with its file and line', async () => {
    ws.write('fragments/mid/fragment.yaml', 'image: test/mid\nuses: { BASE: nope }\nargs: { MODE: release }\n');
    await expect(inferProjects(ws)).rejects.toThrow('@dynamo-build/nx-fragments: fragments/mid/fragment.yaml:2: uses.BASE: uses fragment "nope"');
  });

  it('keeps the inference in its cache file and re-infers when a fragment changes', async () => {
    await inferProjects(ws);
    const file = inferenceCacheFile(ws.root);
    const first = JSON.parse(readFileSync(file, 'utf8'));
    expect(first.value.map((f: { name: string }) => f.name).sort()).toEqual(['base', 'mid', 'top']);

    ws.write('fragments/mid/fragment.yaml', 'image: test/mid\ndescription: changed\nuses: { BASE: base }\nargs: { MODE: release }\n');
    const projects = await inferProjects(ws);
    expect(projects['fragments/mid'].metadata).toEqual({ description: 'changed' });
    expect(JSON.parse(readFileSync(file, 'utf8')).key).not.toBe(first.key);
  });

  it('serves a cache entry whose key matches instead of inferring again', async () => {
    await inferProjects(ws);
    const file = inferenceCacheFile(ws.root);
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    cached.value[0].description = 'from the cache';
    writeFileSync(file, JSON.stringify(cached));
    const projects = await inferProjects(ws);
    expect(projects[`fragments/${cached.value[0].name}`].metadata).toEqual({ description: 'from the cache' });
  });

  it('keys the cache by the options and by the code that infers, not only by the workspace files', () => {
    const key = inferenceKey(ws.root, {}, 'code-1');
    expect(inferenceKey(ws.root, {}, 'code-1')).toBe(key);
    expect(inferenceKey(ws.root, {}, 'code-2')).not.toBe(key);
    expect(inferenceKey(ws.root, { targetName: 'docker' }, 'code-1')).not.toBe(key);
    ws.write('fragments/base/Dockerfile', 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
    expect(inferenceKey(ws.root, {}, 'code-1')).not.toBe(key);
  });
});

describe('packageCodeDigest: the orchestrator version and build in the inference key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-fragments-code-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@dynamo-build/orchestrator', version: '0.1.0' }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  it('changes with the version and with any compiled file, not with maps or declarations', () => {
    write('dist/index.js', 'exports.a = 1;');
    write('dist/graph/load.js', 'exports.b = 1;');
    const before = packageCodeDigest(dir);
    write('dist/index.js.map', '{}');
    write('dist/index.d.ts', 'export {};');
    expect(packageCodeDigest(dir)).toBe(before);
    write('dist/graph/load.js', 'exports.b = 2;');
    const rebuilt = packageCodeDigest(dir);
    expect(rebuilt).not.toBe(before);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@dynamo-build/orchestrator', version: '0.2.0' }));
    expect(packageCodeDigest(dir)).not.toBe(rebuilt);
  });

  it('works before the first build (no dist yet)', () => {
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(packageCodeDigest(dir)).toMatch(/^[0-9a-f]{64}$/);
  });
});
