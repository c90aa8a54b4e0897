import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const OFFLINE_STACK = resolve(__dirname, '../../../../examples/offline-stack');

/**
 * A temporary copy of examples/offline-stack whose images are named under `prefix` (this run's), so a real build
 * never touches the demo's `offline/…` images and parallel runs never collide. The caller removes the folder.
 */
export function offlineStackCopy(prefix: string, tempPrefix = 'offline-stack-'): string {
  const root = mkdtempSync(join(tmpdir(), tempPrefix));
  cpSync(OFFLINE_STACK, root, { recursive: true });
  for (const name of readdirSync(join(root, 'fragments'))) {
    const file = join(root, 'fragments', name, 'fragment.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^image: offline\//m, `image: ${prefix}`));
  }
  return root;
}
