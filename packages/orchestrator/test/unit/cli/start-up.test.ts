import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadedPackages as loadedIn } from '../../support/loaded-packages';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

/** Packages a CLI run loads, with its own parse and digest caches (a fresh empty folder unless one is given). */
function loadedPackages(args: string[], cwd: string, extraRequire?: string, cacheDir?: string): string[] {
  if (cacheDir) return loadedIn(args, cwd, { extraRequire, env: { FRAGMENTS_CACHE_DIR: cacheDir } });
  const fresh = mkdtempSync(join(tmpdir(), 'fragments-cache-'));
  try {
    return loadedIn(args, cwd, { extraRequire, env: { FRAGMENTS_CACHE_DIR: fresh } });
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}


const ENGINE_CLIENT = ['dockerode', 'docker-modem', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'ssh2'];

describe('CLI start-up loads only what the command needs', () => {
  let ws: TempWorkspace;
  beforeAll(() => (ws = tempWorkspace(validWorkspaceFiles())));
  afterAll(() => ws.remove());

  it('--version loads commander and nothing else', () => {
    expect(loadedPackages(['--version'], ws.root)).toEqual(['commander']);
  });

  it.each([[['list']], [['plan', '--no-engine']], [['lint']], [['graph']]])('%j loads no engine client, gRPC, protobuf or packer', (args) => {
    const loaded = loadedPackages(args, ws.root);
    expect(loaded).toEqual(expect.arrayContaining(['commander', 'yaml', 'zod'])); // the capture works: the graph was read
    for (const name of [...ENGINE_CLIENT, 'tar-fs', 'tar-stream']) expect(loaded).not.toContain(name);
  });

  describe('a run whose files the parse cache knows', () => {
    let cacheDir: string;
    beforeAll(() => {
      cacheDir = mkdtempSync(join(tmpdir(), 'fragments-cache-'));
      loadedPackages(['list'], ws.root, undefined, cacheDir); // fills the parse cache
    });
    afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

    it.each([[['list']], [['plan', '--no-engine']]])('%j loads no YAML parser, schema library or Dockerfile parser', (args) => {
      const loaded = loadedPackages(args, ws.root, undefined, cacheDir);
      expect(loaded).toContain('commander');
      for (const name of ['yaml', 'zod', 'dockerfile-ast']) expect(loaded).not.toContain(name);
    });

    it('parses again once a file changed (and then loads the parsers)', () => {
      const file = ws.write('fragments/base/fragment.yaml', `${readFileSync(join(ws.root, 'fragments/base/fragment.yaml'), 'utf8')}\n# edited\n`);
      expect(file).toContain('fragment.yaml');
      expect(loadedPackages(['list'], ws.root, undefined, cacheDir)).toEqual(expect.arrayContaining(['yaml', 'zod']));
    });
  });

  it('sees the engine client when something does load it (the check can fail)', () => {
    expect(loadedPackages(['--version'], ws.root, 'dockerode')).toEqual(expect.arrayContaining(['dockerode', 'docker-modem']));
  });
});
