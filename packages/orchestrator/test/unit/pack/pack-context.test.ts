import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pack as tarFsPack, type Headers } from 'tar-fs';
import { canonicalMode } from '../../../src/context/canonical-mode';
import { listContextFiles, type ContextListing } from '../../../src/context/context-files';
import { RACY_WINDOW_NS } from '../../../src/context/file-stamp';
import { packContext } from '../../../src/pack/pack-context';
import { tempWorkspace, type TempWorkspace } from '../../support/temp-workspace';

const collect = (stream: Readable) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

describe('packContext', () => {
  let ws: TempWorkspace;
  let listing: ContextListing;
  const ctx = () => join(ws.root, 'ctx');
  const list = async () => (listing = await listContextFiles({ contextDir: ctx(), dockerfilePath: join(ctx(), 'Dockerfile') }));

  beforeEach(async () => {
    ws = tempWorkspace({ 'ctx/Dockerfile': 'FROM scratch\n', 'ctx/a.txt': 'hello\n', [`ctx/sub/${'n'.repeat(120)}.txt`]: 'long name\n', 'ctx/é ü.txt': 'utf-8\n' });
    ws.write('ctx/sub/big.bin', Buffer.alloc(3 << 20, 7)); // larger than a chunk: streamed
    ws.write('ctx/sub/run.sh', 'echo\n', 0o700);
    symlinkSync('../a.txt', join(ctx(), 'sub/link'));
    await list();
  });
  afterEach(() => ws.remove());

  it('writes byte for byte the tar that tar-fs wrote (same headers, modes, long names, links)', async () => {
    const types: Record<string, 'file' | 'dir' | 'symlink'> = { file: 'file', directory: 'dir', symlink: 'symlink' };
    const reference = tarFsPack(listing.root, {
      entries: listing.entries.map((e) => e.relPath),
      ignore: () => true,
      umask: 0,
      dereference: false,
      map: (h: Headers) => ({ ...h, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), mode: canonicalMode(types[h.type ?? 'file'] ?? 'file', h.mode ?? 0) }),
    } as Parameters<typeof tarFsPack>[1]) as unknown as Readable;
    const ours = await collect(packContext({ contextDir: listing.root, entries: listing.entries }));
    expect(ours.length).toBeGreaterThan(3 << 20);
    expect(ours.equals(await collect(reference))).toBe(true);
  });

  const expectedFiles = async () => {
    const { hashFile } = await import('../../../src/hash/file-digest');
    return Object.fromEntries(listing.entries.filter((e) => e.type === 'file').map((e) => [e.relPath, `file:644:${hashFile(e.absPath)}`]));
  };

  it('fails the stream when a file changed after it was hashed (other bytes, same size)', async () => {
    const expected = await expectedFiles();
    writeFileSync(join(ctx(), 'a.txt'), 'HELLO\n');
    await expect(collect(packContext({ contextDir: listing.root, entries: listing.entries, expectedFiles: expected }))).rejects.toThrow(/a\.txt changed after it was hashed/);
  });

  it('fails the stream when a file vanished, naming it', async () => {
    const expected = await expectedFiles();
    rmSync(join(ctx(), 'a.txt'));
    await expect(collect(packContext({ contextDir: listing.root, entries: listing.entries, expectedFiles: expected }))).rejects.toThrow(/a\.txt cannot be read any more \(ENOENT\)/);
  });

  it('a file whose stamp is unsettled is hashed while sent; a settled one is vouched for by its stamp', async () => {
    const expected = await expectedFiles();
    expected['a.txt'] = 'file:644:' + '0'.repeat(64); // what a wrong hash would say
    const unsettled = listing.entries.map((e) => ({ ...e, settled: false }));
    await expect(collect(packContext({ contextDir: listing.root, entries: unsettled, expectedFiles: expected }))).rejects.toThrow(/a\.txt changed after it was hashed/);
    const settled = listing.entries.map((e) => ({ ...e, settled: e.type === 'file' }));
    await expect(collect(packContext({ contextDir: listing.root, entries: settled, expectedFiles: expected }))).resolves.toBeInstanceOf(Buffer);
  });

  it('a chmod after hashing is a change too', async () => {
    const expected = await expectedFiles();
    chmodSync(join(ctx(), 'a.txt'), 0o600);
    await expect(collect(packContext({ contextDir: listing.root, entries: listing.entries, expectedFiles: expected }))).rejects.toThrow(/a\.txt changed after it was hashed/);
  });

  it('stamps written right now are not settled (the racy window)', () => {
    expect(RACY_WINDOW_NS).toBeGreaterThan(0n);
    expect(listing.entries.filter((e) => e.type === 'file').every((e) => e.settled === false)).toBe(true);
  });
});
