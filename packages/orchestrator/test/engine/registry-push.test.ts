import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../src/orchestration/build-plan';
import { makePlan } from '../../src/plan/make-plan';
import { loadDockerCredentials } from '../../src/registry/docker-credentials';
import { RegistryError } from '../../src/registry/registry-client';
import { hashTag, registryRepository, registryTarget, type RegistryTarget } from '../../src/registry/registry-target';
import { loadGraph } from '../../src/graph/load-graph';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { freePort, startRegistry, type TestRegistry } from '../support/registry';
import { testStack } from '../support/test-stack';
import type { TempWorkspace } from '../support/temp-workspace';

/** Removes every local image of this run (labels) and every tag of the run's repositories: a "fresh engine". */
async function forgetLocalImages(fx: EngineFixture) {
  const images = await fx.engine.docker.listImages({ all: true, filters: { label: [`${RUN_LABEL}=${fx.runId}`] } });
  for (const img of images) await fx.engine.docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
}

describe('push to a real registry (docker-registry on 127.0.0.1)', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let ws: TempWorkspace;
  let target: RegistryTarget;

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
    target = await registryTarget(`${registry.host}/ci`, { forDomain: async () => undefined });
  });
  afterAll(async () => {
    await fx?.cleanup();
    await registry?.stop();
  });
  beforeEach(() => (ws = testStack(fx.prefix)));
  afterEach(() => ws.remove());

  const plan = (targets: string[]) => makePlan(loadGraph({ root: ws.root }), { targets, platforms: ['linux/amd64'] });
  const push = async (targets: string[], tags: string[] = ['main'], t: RegistryTarget = target) =>
    buildPlan(fx.engine, await plan(targets), { parallel: 2, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: t, tags });
  const outcomes = (r: Awaited<ReturnType<typeof push>>) => Object.fromEntries(r.results.map((x) => [x.build.key, x.outcome]));
  const registryDigest = async (key: string, tag?: string) => {
    const b = (await plan(['app', 'other'])).builds.find((x) => x.key === key)!;
    return target.client.manifestDigest(registryRepository(target, b), tag ?? hashTag(b));
  };

  it('pushes each node by hash tag, promotes human tags after success, and a fresh engine then builds and pulls nothing', async () => {
    const first = await push(['app', 'other']);
    expect(outcomes(first)).toEqual({ lib: 'built', app: 'built', other: 'built' });
    for (const key of ['lib', 'app', 'other']) {
      const byHash = await registryDigest(key);
      expect(byHash).toMatch(/^sha256:/);
      expect(await registryDigest(key, 'main')).toBe(byHash);
    }
    expect(first.tagged).toContain(`${registry.host}/ci/${fx.prefix}app:main`);

    // The pushed image carries BuildKit's inline cache, so the next build elsewhere can reuse its layers.
    const appBuild = (await plan(['app'])).builds[1];
    const manifest = await target.client.manifest(registryRepository(target, appBuild), hashTag(appBuild));
    const config = (await target.client.blobJson(registryRepository(target, appBuild), manifest.config!.digest)) as Record<string, unknown>;
    expect(Object.keys(config)).toContain('moby.buildkit.cache.v0');

    await forgetLocalImages(fx);
    const again = await push(['app', 'other']);
    expect(outcomes(again)).toEqual({ lib: 'in registry', app: 'in registry', other: 'in registry' });
    // Nothing was pulled: the engine still has none of the images.
    const local = await fx.engine.docker.listImages({ filters: { reference: [`${registry.host}/ci/${fx.prefix}*`] } });
    expect(local).toEqual([]);
  });

  it('builds only the changed node on a fresh engine, pulling its upstream from the registry', async () => {
    await push(['app', 'other']);
    await forgetLocalImages(fx);
    ws.write('fragments/app/app.txt', 'app v2\n');
    const result = await push(['app', 'other']);
    expect(outcomes(result)).toEqual({ lib: 'in registry', app: 'built', other: 'in registry' });
    // The previous `main` image of app seeded BuildKit's cache, and the result says so.
    expect(result.cacheSources.get('app')).toEqual([`${registry.host}/ci/${fx.prefix}app:main`]);
    const appBuild = (await plan(['app'])).builds[1];
    const out = execFileSync('docker', ['run', '--rm', '--network', 'none', appBuild.tag, 'cat', '/opt/lib/greeting', '/opt/app.txt']).toString();
    expect(out).toBe('hello from lib\napp v2\n');
  });

  it('moves no human tag when any node fails', async () => {
    await push(['app', 'other'], ['release']);
    const before = await registryDigest('other', 'release');
    ws.write('fragments/other/Dockerfile', 'ARG BASE\nFROM ${BASE}\nRUN echo changed > /other\n');
    ws.write('fragments/lib/Dockerfile', 'ARG BASE\nFROM ${BASE}\nARG GREETING\nRUN false\n');
    const result = await push(['app', 'other'], ['release']);
    expect(outcomes(result)).toEqual({ lib: 'failed', app: 'skipped', other: 'built' });
    expect(result.tagged).toEqual([]);
    // `other` was pushed by hash, but `release` still names the old image.
    expect(await registryDigest('other', 'release')).toBe(before);
    expect(await registryDigest('other')).not.toBe(before);
  });

  it('says which registry could not be reached', async () => {
    const closed = await registryTarget(`127.0.0.1:${await freePort()}`, { forDomain: async () => undefined });
    const result = await push(['other'], [], closed);
    expect(result.results[0].outcome).toBe('failed');
    expect(result.results[0].error).toBeInstanceOf(RegistryError);
    expect(String((result.results[0].error as Error).message)).toMatch(/cannot reach registry 127\.0\.0\.1:\d+ .*ECONNREFUSED/);
  });
});

describe('push to a registry with htpasswd auth', () => {
  const sentinel = `S3ntinel-${Date.now()}-p?>~w`;
  let fx: EngineFixture;
  let registry: TestRegistry;
  let ws: TempWorkspace;
  let configDir: string;

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry({ htpasswd: { username: 'ci', password: sentinel } });
    configDir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  });
  afterAll(async () => {
    await fx?.cleanup();
    await registry?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });
  beforeEach(() => (ws = testStack(fx.prefix)));
  afterEach(() => ws.remove());

  const withPassword = async (password: string) => {
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`ci:${password}`).toString('base64') } } }));
    return registryTarget(registry.host, loadDockerCredentials({ DOCKER_CONFIG: configDir }));
  };
  const push = async (t: RegistryTarget) =>
    buildPlan(fx.engine, await makePlan(loadGraph({ root: ws.root }), { targets: ['other'], platforms: ['linux/amd64'] }), {
      parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: t, tags: ['main'],
    });

  it('pushes with the credentials from config.json, and the password appears nowhere', async () => {
    const result = await push(await withPassword(sentinel));
    expect(result.results[0].outcome).toBe('built');
    expect(result.tagged).toEqual([`${registry.host}/${fx.prefix}other:main`]);
    const build = (await makePlan(loadGraph({ root: ws.root }), { targets: ['other'], platforms: ['linux/amd64'] })).builds[0];
    const inspect = JSON.stringify(await fx.engine.docker.getImage(build.tag).inspect());
    const history = JSON.stringify(await fx.engine.docker.getImage(build.tag).history());
    const everything = [inspect, history, fx.output.join('\n'), JSON.stringify(build.buildArgs), registry.log.join('\n')].join('\n');
    expect(everything).not.toContain(sentinel);
    expect(everything).not.toContain(Buffer.from(sentinel).toString('base64'));
  });

  it('pulls upstream images from the private registry through the BuildKit session on a fresh engine', async () => {
    const t = await withPassword(sentinel);
    const plan = async () => makePlan(loadGraph({ root: ws.root }), { targets: ['app'], platforms: ['linux/amd64'] });
    const first = await buildPlan(fx.engine, await plan(), { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: t });
    expect(first.ok).toBe(true);
    await forgetLocalImages(fx);
    ws.write('fragments/app/app.txt', `app ${Date.now()}\n`);
    const second = await buildPlan(fx.engine, await plan(), { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: t });
    expect(second.results.map((r) => [r.build.key, r.outcome])).toEqual([['lib', 'in registry'], ['app', 'built']]);
  });

  it('fails clearly with a wrong password, naming registry, user and image, and moves nothing', async () => {
    ws.write('fragments/other/extra.txt', 'so that it is not in the registry yet');
    const result = await push(await withPassword('wrong'));
    expect(result.ok).toBe(false);
    expect(result.tagged).toEqual([]);
    const message = (result.results[0].error as Error).message;
    expect(message).toContain(registry.host);
    expect(message).toMatch(/refused the credentials of user "ci"|unauthorized|authentication required/);
    expect(message).not.toContain('wrong');
  });
});

describe('a registry that dies in the middle of a run', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let ws: TempWorkspace;
  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
    ws = testStack(fx.prefix);
  });
  afterAll(async () => {
    ws?.remove();
    await fx?.cleanup();
    await registry?.stop();
  });

  it('fails the nodes it could not push, naming the registry and image, promotes nothing, and a re-run completes', async () => {
    const target = await registryTarget(registry.host, { forDomain: async () => undefined });
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['app'], platforms: ['linux/amd64'] });
    const options = { parallel: 1, networkMode: 'none', extraLabels: fx.labels, progress: fx.progress(), registry: target, tags: ['main'] };
    // lib is built and pushed; the registry dies while app builds, so app's push fails.
    const broken = await buildPlan(fx.engine, plan, { ...options, log: (line) => void (line.startsWith('[app]') && registry.crash()) });
    const outcome = Object.fromEntries(broken.results.map((r) => [r.build.key, r.outcome]));
    expect(outcome).toEqual({ lib: 'built', app: 'failed' });
    const message = String((broken.results[1].error as Error).message);
    expect(message).toContain(registry.host);
    expect(message).toContain(`${fx.prefix}app`);
    expect(broken.results[1].error).toMatchObject({ kind: 'environment' });
    expect(broken.tagged).toEqual([]);

    registry = await startRegistry({ restart: registry });
    const rerun = await buildPlan(fx.engine, plan, { ...options, log: undefined });
    expect(Object.fromEntries(rerun.results.map((r) => [r.build.key, r.outcome]))).toEqual({ lib: 'in registry', app: expect.stringMatching(/^(built|pushed)$/) }); // app may have died before or after its build
    expect(rerun.tagged.sort()).toEqual([`${registry.host}/${fx.prefix}app:main`, `${registry.host}/${fx.prefix}lib:main`]);
  });
});
