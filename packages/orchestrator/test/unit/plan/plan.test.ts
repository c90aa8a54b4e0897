import { makePlan, planToJson } from '../../../src/plan/make-plan';
import { loadGraph } from '../../../src/graph/load-graph';
import { UserError } from '../../../src/errors/user-error';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

describe('plan', () => {
  let ws: TempWorkspace;
  beforeAll(() => (ws = tempWorkspace(validWorkspaceFiles())));
  afterAll(() => ws.remove());

  it('lists the closure of the requested node in build order', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['top.a'], platforms: ['linux/amd64'] });
    expect(plan.builds.map((b) => b.key)).toEqual(['base', 'mid', 'top.a']);
    expect(plan.builds[2].upstream).toEqual(['mid']);
  });

  it('a fragment name means every variant', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['top'], platforms: ['linux/amd64'] });
    expect(plan.builds.map((b) => b.key)).toEqual(['base', 'mid', 'top.a', 'top.b']);
  });

  it('plans each platform separately, keyed node@arch', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['mid'], platforms: ['linux/amd64', 'linux/arm64'] });
    expect(plan.builds.map((b) => b.key)).toEqual(['base@amd64', 'mid@amd64', 'base@arm64', 'mid@arm64']);
    expect(plan.builds[1].buildArgs.BASE).toBe(plan.builds[0].tag);
    expect(plan.builds[3].buildArgs.BASE).toBe(plan.builds[2].tag);
  });

  it('says which pins are not locked', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['base'], platforms: ['linux/amd64'] });
    expect(plan.builds[0].unlocked).toEqual(['images.busybox']);
  });

  it('refuses an unknown target with the list of names', async () => {
    await expect(makePlan(loadGraph({ root: ws.root }), { targets: ['nope'] })).rejects.toThrow(/no fragment or node named "nope".*/);
  });

  it('refuses a platform a fragment is not built for, naming the fragment file', async () => {
    ws.write('fragments/mid/fragment.yaml', 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\nplatforms: [linux/amd64]\n');
    try {
      await makePlan(loadGraph({ root: ws.root }), { targets: ['mid'], platforms: ['linux/arm64'] });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).format()).toContain('fragments/mid/fragment.yaml:4: platforms: mid is not built for linux/arm64');
    } finally {
      ws.write('fragments/mid/fragment.yaml', validWorkspaceFiles()['fragments/mid/fragment.yaml']);
    }
  });

  it('has a stable JSON form', async () => {
    const json = planToJson(await makePlan(loadGraph({ root: ws.root }), { targets: ['mid'], platforms: ['linux/amd64'] }));
    expect(json.schema).toBe('fragments-plan/v1');
    expect(Object.keys(json.nodes[1]).sort()).toEqual(['buildArgs', 'fragment', 'hash', 'id', 'image', 'key', 'platform', 'tag', 'unlocked', 'upstream', 'variant']);
    expect(json.nodes[1]).toMatchObject({ id: 'mid', fragment: 'mid', variant: {}, platform: 'linux/amd64', image: 'test/mid', upstream: ['base'], buildArgs: { MODE: 'release' } });
  });
});
