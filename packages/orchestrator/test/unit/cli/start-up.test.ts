import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

const src = join(__dirname, '../../../src');

/**
 * Runs the CLI from its TypeScript sources in a fresh Node process (each .ts file transpiled on require, so the test
 * never sees a stale dist/) and returns the packages it loaded: what `require.cache` holds once the command ended.
 */
function loadedPackages(args: string[], cwd: string, extraRequire?: string, cacheDir?: string): string[] {
  // Without a cache folder given, a new empty one: the run parses every file (a cold start).
  if (!cacheDir) {
    const fresh = mkdtempSync(join(tmpdir(), 'fragments-cache-'));
    try {
      return loadedPackages(args, cwd, extraRequire, fresh);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  const script = `
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const fs = require('node:fs');
    require.extensions['.ts'] = (module, file) => {
      const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
      module._compile(out.outputText, file);
    };
    const before = new Set(Object.keys(require.cache));
    ${extraRequire ? `require(${JSON.stringify(require.resolve(extraRequire))});` : ''}
    require(${JSON.stringify(join(src, 'cli/main.ts'))}).main(${JSON.stringify(args)}).then((code) => {
      const names = new Set();
      for (const file of Object.keys(require.cache)) {
        if (before.has(file)) continue;
        const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file.split('node_modules/').length > 1 ? 'node_modules/' + file.split('node_modules/').pop() : '');
        if (m && m[1] !== 'typescript') names.add(m[1]);
      }
      process.stderr.write('exit ' + code + '\\n');
      process.stdout.write(JSON.stringify([...names].sort()));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FRAGMENTS_CACHE_DIR: cacheDir } });
  return JSON.parse(out.slice(out.lastIndexOf('[')));
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
