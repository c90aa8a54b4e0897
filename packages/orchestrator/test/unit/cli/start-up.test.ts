import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

const src = join(__dirname, '../../../src');

/**
 * Runs the CLI from its TypeScript sources in a fresh Node process (each .ts file transpiled on require, so the test
 * never sees a stale dist/) and returns the packages it loaded: what `require.cache` holds once the command ended.
 */
function loadedPackages(args: string[], cwd: string, extraRequire?: string): string[] {
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
  const out = execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FRAGMENTS_CACHE_DIR: join(cwd, '.cache-outside-contexts') } });
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

  it('sees the engine client when something does load it (the check can fail)', () => {
    expect(loadedPackages(['--version'], ws.root, 'dockerode')).toEqual(expect.arrayContaining(['dockerode', 'docker-modem']));
  });
});
