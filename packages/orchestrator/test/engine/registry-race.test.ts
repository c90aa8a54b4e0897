import { buildPlan } from '../../src/orchestration/build-plan';
import { BuildFailure } from '../../src/orchestration/build-failure';
import { LABELS } from '../../src/orchestration/image-labels';
import { loadGraph } from '../../src/graph/load-graph';
import { makePlan, type PlannedBuild } from '../../src/plan/make-plan';
import { readTaggedImage } from '../../src/registry/registry-image-labels';
import { hashTag, registryRepository, registryTarget, type RegistryTarget } from '../../src/registry/registry-target';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { startRegistry, type TestRegistry } from '../support/registry';
import { overwriteWithRelabelled, startRegistryProxy, type RegistryProxy } from '../support/registry-proxy';
import { testStack } from '../support/test-stack';
import type { TempWorkspace } from '../support/temp-workspace';

/**
 * The CI fan-out race, provoked deterministically: a proxy in front of the real registry lets "another job" push
 * its own image under our hash tag right after the registry stored our manifest and before the engine (and so the
 * orchestrator) hears that the push succeeded. The orchestrator then reads the tag back and must tell an
 * equivalent image (same content-hash label: keep it) from a wrong one (fail, naming registry, image and tag).
 */
describe('hash tag overwritten between push and verify', () => {
  let fx: EngineFixture;
  let registry: TestRegistry;
  let proxy: RegistryProxy | undefined;
  let ws: TempWorkspace;
  let raced: { repository: string; reference: string; digest: string }[];

  beforeAll(async () => {
    fx = await engineFixture();
    registry = await startRegistry();
  });
  afterAll(async () => {
    await fx?.cleanup();
    await registry?.stop();
  });
  beforeEach(() => {
    ws = testStack(fx.prefix);
    raced = [];
  });
  afterEach(async () => {
    ws.remove();
    await proxy?.stop();
    proxy = undefined;
  });

  /** Starts the proxy; on the engine's PUT of `other`'s hash tag, another "job" overwrites it with a relabelled copy. */
  async function racingRegistry(relabel: (labels: Record<string, string>) => Record<string, string>): Promise<RegistryTarget> {
    const build = await otherBuild();
    proxy = await startRegistryProxy(registry, {
      afterManifestPut: async (repository, reference) => {
        if (reference !== hashTag(build)) return; // our promotion PUTs (human tags) pass untouched
        raced.push({ repository, reference, digest: await overwriteWithRelabelled(registry, repository, reference, relabel) });
      },
    });
    return registryTarget(`${proxy.host}/ci`, { forDomain: async () => undefined });
  }

  const otherBuild = async (): Promise<PlannedBuild> => (await makePlan(loadGraph({ root: ws.root }), { targets: ['other'], platforms: ['linux/amd64'] })).builds[0];
  const notes: string[] = [];
  const push = async (target: RegistryTarget) =>
    buildPlan(fx.engine, await makePlan(loadGraph({ root: ws.root }), { targets: ['other'], platforms: ['linux/amd64'] }), {
      parallel: 1,
      networkMode: 'none',
      extraLabels: fx.labels,
      progress: fx.progress(),
      registry: target,
      tags: ['main'],
      onNote: (text) => notes.push(text),
    });

  it('keeps an equivalent image another job pushed (same hash label), notes it, and promotes what the hash tag holds', async () => {
    ws.write('fragments/other/run.txt', `equivalent ${fx.runId}\n`); // a hash no earlier test pushed
    const target = await racingRegistry((labels) => ({ ...labels, 'org.dynamo.fragments.test.pushed-by': 'job-b' }));
    const result = await push(target);
    expect(result.results.map((r) => [r.build.key, r.outcome, (r.error as Error | undefined)?.message])).toEqual([['other', 'built', undefined]]);
    expect(raced).toHaveLength(1);

    const build = await otherBuild();
    const repository = registryRepository(target, build);
    const byHash = await readTaggedImage(target.client, repository, hashTag(build), build.platform);
    // The other job's image won, and it carries this node's hash: no wrong tag.
    expect(byHash?.digest).toBe(raced[0].digest);
    expect(byHash?.labels[LABELS.hash]).toBe(build.hash);
    expect(byHash?.labels['org.dynamo.fragments.test.pushed-by']).toBe('job-b');
    expect(notes.join('\n')).toContain(`${target.domain}/ci/${fx.prefix}other:${hashTag(build)}: another job pushed an image of the same content hash`);
    // Promotion copied what the hash tag holds now, not what we pushed.
    expect(await target.client.manifestDigest(repository, 'main')).toBe(raced[0].digest);
  });

  it('fails naming registry, image and tag when the hash tag now names an image of another hash, and moves no tag', async () => {
    ws.write('fragments/other/run.txt', `foreign ${fx.runId}\n`);
    const foreignHash = 'f'.repeat(64);
    const target = await racingRegistry((labels) => ({ ...labels, [LABELS.hash]: foreignHash }));
    const mainBefore = await target.client.manifestDigest(registryRepository(target, await otherBuild()), 'main');
    const result = await push(target);
    expect(result.ok).toBe(false);
    expect(result.results[0].outcome).toBe('failed');
    expect(result.results[0].error).toBeInstanceOf(BuildFailure);
    const build = await otherBuild();
    const message = (result.results[0].error as Error).message;
    expect(message).toContain(`registry ${target.domain}`);
    expect(message).toContain(`${target.domain}/ci/${fx.prefix}other:${hashTag(build)}`);
    expect(message).toContain(`${LABELS.hash}=${foreignHash}`);
    expect(message).toContain(build.hash);
    expect(message).toContain(raced[0].digest);
    expect(result.tagged).toEqual([]);
    expect(await target.client.manifestDigest(registryRepository(target, build), 'main')).toBe(mainBefore);

    // The next run does not build on the wrong image either: the check finds the foreign label and says so.
    const again = await push(target);
    expect(again.results[0].outcome).toBe('failed');
    expect((again.results[0].error as Error).message).toMatch(new RegExp(`${hashTag(build)} already names an image labelled ${LABELS.hash}=${foreignHash}`));
  });
});
