// `fragments build` refuses to start when a secret is missing or unreadable: these runs stop before any engine is
// contacted (DOCKER_HOST points at nothing), so they need no engine and prove nothing was half-built.

import { loadGraph } from '../../../src/graph/load-graph';
import { makePlan } from '../../../src/plan/make-plan';
import { runCliInProcess } from '../../support/run-cli';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

describe('fragments build --secret / secrets: in fragment.yaml', () => {
  let ws: TempWorkspace;
  const saved = { ...process.env };
  beforeEach(() => {
    ws = tempWorkspace({
      ...validWorkspaceFiles(),
      'fragments/mid/fragment.yaml': [
        'image: test/mid',
        'uses: { BASE: base }',
        'args: { MODE: release }',
        'secrets:',
        '  hub-token: { required: true, description: model hub token }',
        '  optional-one: {}',
        '',
      ].join('\n'),
      'profiles/ci.yaml': 'sccache:\n  bucket: dynamo-ci\n  region: us-west-2\n',
    });
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    delete process.env.FRAGMENTS_SECRETS;
  });
  afterEach(() => {
    ws.remove();
    process.env = { ...saved };
  });

  it('a required secret with no source fails before any build, naming fragment, file:line, id and how to pass it', async () => {
    const run = await runCliInProcess(['--root', ws.root, 'build', 'mid', '--platform', 'linux/amd64']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('fragments/mid/fragment.yaml:5: secrets.hub-token: fragment mid requires secret hub-token (model hub token), and none was given');
    expect(run.stderr).toContain('pass --secret id=hub-token,env=VARIABLE');
    expect(run.stderr).not.toContain('nonexistent'); // never got as far as the engine
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('an unset variable is a user error naming secret and variable (also when given through FRAGMENTS_SECRETS, the nx route)', async () => {
    process.env.FRAGMENTS_SECRETS = 'id=hub-token,env=HUB_TOKEN_NOT_SET';
    const run = await runCliInProcess(['--root', ws.root, 'build', 'mid', '--platform', 'linux/amd64']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('secret hub-token: environment variable HUB_TOKEN_NOT_SET is not set');
  });

  it('an unreadable file is a user error naming it', async () => {
    const run = await runCliInProcess(['--root', ws.root, 'build', 'mid', '--platform', 'linux/amd64', '--secret', `id=hub-token,src=${ws.root}/missing.txt`]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`secret hub-token: cannot read file ${ws.root}/missing.txt (ENOENT)`);
  });

  it('with the secret given, the run gets past the check (to the engine, absent here)', async () => {
    process.env.HUB = 'v';
    const run = await runCliInProcess(['--root', ws.root, 'build', 'mid', '--platform', 'linux/amd64', '--secret', 'id=hub-token,env=HUB']);
    expect(run.stderr).not.toContain('requires secret');
    expect(run.code).not.toBe(0);
  });

  it('the remote sccache profile changes no tag', async () => {
    const tags = async (profile?: string) => (await makePlan(loadGraph({ root: ws.root, profile }), { targets: [], platforms: ['linux/amd64', 'linux/arm64'] })).builds.map((b) => b.tag);
    expect(loadGraph({ root: ws.root, profile: 'ci' }).pins.sccache).toMatchObject({ bucket: 'dynamo-ci', key_prefix: 'sccache' });
    expect(await tags('ci')).toEqual(await tags());
  });

  it('--help shows --secret and --report', async () => {
    const run = await runCliInProcess(['build', '--help']);
    expect(run.stdout).toMatch(/--secret <id=ID\[,env=VAR\|,src=FILE\]>/);
    expect(run.stdout).toMatch(/--report <dir>/);
  });
});
