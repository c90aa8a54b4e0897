// pins.lock.yaml as text: what `fragments pins lock` writes, and what it keeps of the file it rewrites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_HEADER, existingHeader, formatLockFile, lockSchemaComment, writeLockFile } from '../../../src/pins-lock/lock-file';
import type { PinsLock } from '../../../src/schema/pins-schema';
import { tempWorkspace, type TempWorkspace } from '../../support/temp-workspace';

const LOCK: PinsLock = { images: { bb: { 'linux/amd64': { ref: 'a/bb:1', digest: `sha256:${'a'.repeat(64)}` } } }, downloads: {} };
const SCHEMA_LINE = '# yaml-language-server: $schema=../schemas/pins-lock.schema.json';

describe('pins.lock.yaml header', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.remove());
  const lockText = () => readFileSync(join(ws.root, 'pins.lock.yaml'), 'utf8');

  it('a new lock names the lock schema beside the one pins.yaml names, above the standard header', () => {
    ws = tempWorkspace({ 'pins.yaml': '# yaml-language-server: $schema=../schemas/pins.schema.json\nimages: {}\n' });
    expect(lockSchemaComment(ws.root)).toBe(' yaml-language-server: $schema=../schemas/pins-lock.schema.json');
    writeLockFile(ws.root, LOCK);
    expect(lockText().startsWith(`${SCHEMA_LINE}\n# pins.lock.yaml: what each image tag`)).toBe(true);
  });

  it('a workspace whose pins.yaml names no schema gets none', () => {
    ws = tempWorkspace({ 'pins.yaml': 'images: {}\n' });
    expect(lockSchemaComment(ws.root)).toBeUndefined();
    writeLockFile(ws.root, LOCK);
    expect(lockText()).toBe(formatLockFile(LOCK, LOCK_HEADER));
  });

  it('a rewrite keeps the existing header byte for byte, bare "#" lines and schema line included', () => {
    const header = `${SCHEMA_LINE}\n# Our lock.\n#\n#   shape: see the schema\n#\n# last line\n`;
    ws = tempWorkspace({ 'pins.yaml': '# yaml-language-server: $schema=../schemas/pins.schema.json\nimages: {}\n', 'pins.lock.yaml': `${header}images: {}\ndownloads: {}\n` });
    writeLockFile(ws.root, LOCK);
    const first = lockText();
    expect(first.startsWith(`${header}images:\n`)).toBe(true);
    writeLockFile(ws.root, LOCK);
    expect(lockText()).toBe(first);
    expect(existingHeader(join(ws.root, 'pins.lock.yaml'))!.split('\n')).toHaveLength(6);
  });

  it('an existing header without a schema line gets one when pins.yaml names a schema', () => {
    ws = tempWorkspace({ 'pins.yaml': '# yaml-language-server: $schema=../schemas/pins.schema.json\nimages: {}\n', 'pins.lock.yaml': '# our own header\nimages: {}\n' });
    writeLockFile(ws.root, LOCK);
    expect(lockText().startsWith(`${SCHEMA_LINE}\n# our own header\nimages:\n`)).toBe(true);
  });
});
