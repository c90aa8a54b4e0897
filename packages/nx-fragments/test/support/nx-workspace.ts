import { execFile } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TempWorkspace } from '../../../orchestrator/test/support/temp-workspace';

const repoRoot = resolve(__dirname, '../../../..');
const nxBin = join(repoRoot, 'node_modules/nx/dist/bin/nx.js');

/**
 * Turns a temporary fragments workspace into a real nx workspace that loads this repository's plugin (through a
 * node_modules link, as an installed package would be). The plugin and orchestrator must be compiled (`npm test` does).
 */
export function makeNxWorkspace(ws: TempWorkspace) {
  symlinkSync(join(repoRoot, 'node_modules'), join(ws.root, 'node_modules'));
  writeFileSync(join(ws.root, 'package.json'), JSON.stringify({ name: 'nx-fragments-test', private: true }));
  writeFileSync(join(ws.root, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, plugins: ['@dynamo-build/nx-fragments'] }));
}

/** Runs nx in the workspace without a daemon or cloud, the way CI does. */
export async function nx(ws: TempWorkspace, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [nxBin, ...args], {
    cwd: ws.root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}` },
    maxBuffer: 32 << 20,
  });
}
