import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const src = join(__dirname, '../../src');

export interface LoadedPackagesOptions {
  /** A package required before the CLI runs (to prove the capture sees what something loads). */
  extraRequire?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the CLI from its TypeScript sources in a fresh Node process (each .ts file transpiled on require, so the test
 * never sees a stale dist/) and returns the npm packages it loaded: what `require.cache` holds once the command ended.
 * The command's exit code is not checked here: see runListingPackages.
 */
export function loadedPackages(args: string[], cwd: string, options: LoadedPackagesOptions = {}): string[] {
  return runListingPackages(args, cwd, options).packages;
}

/** loadedPackages, with the command's exit code and what it printed (stdout) before the list. */
export function runListingPackages(args: string[], cwd: string, options: LoadedPackagesOptions = {}): { code: number; packages: string[]; output: string } {
  const script = `
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const fs = require('node:fs');
    require.extensions['.ts'] = (module, file) => {
      const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
      module._compile(out.outputText, file);
    };
    const before = new Set(Object.keys(require.cache));
    ${options.extraRequire ? `require(${JSON.stringify(require.resolve(options.extraRequire))});` : ''}
    require(${JSON.stringify(join(src, 'cli/main.ts'))}).main(${JSON.stringify(args)}).then((code) => {
      const names = new Set();
      for (const file of Object.keys(require.cache)) {
        if (before.has(file)) continue;
        const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file.split('node_modules/').length > 1 ? 'node_modules/' + file.split('node_modules/').pop() : '');
        if (m && m[1] !== 'typescript') names.add(m[1]);
      }
      process.stdout.write('\\n' + JSON.stringify({ code, packages: [...names].sort() }));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const last = out.lastIndexOf('\n{');
  return { ...(JSON.parse(out.slice(last + 1)) as { code: number; packages: string[] }), output: out.slice(0, last) };
}
