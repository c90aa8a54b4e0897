import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSettled, RACY_WINDOW_NS, type FileStamp } from '../../../src/context/file-stamp';
import { digestCacheDir } from '../../../src/workspace/cache-location';
import { DIGEST_CACHE_FILE, DigestCache } from '../../../src/hash/digest-cache';
import { decodeCacheFile, encodeCacheFile } from '../../../src/hash/digest-cache-file';
import { makePlan } from '../../../src/plan/make-plan';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace, type TempWorkspace } from '../../support/temp-workspace';

const FILES = {
  'pins.yaml': 'platforms: [linux/amd64]\nimages: { busybox: local/busybox:1.35 }\n',
  'fragments/app/fragment.yaml': 'image: test/app\nbases: { BASE: busybox }\n',
  'fragments/app/Dockerfile': 'ARG BASE\nFROM ${BASE}\nCOPY . /app\n',
  'fragments/app/data.txt': 'version one\n',
  'fragments/app/other.txt': 'other\n',
};

/** Waits until every file written so far is settled (older than the racy window), so the cache may keep it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, Number(RACY_WINDOW_NS / 1_000_000n) + 150));

describe('digest cache: plans with a persistent cache (each plan a fresh load, as in a new process)', () => {
  let ws: TempWorkspace;
  let cacheDir: string;
  let last: DigestCache;
  const plan = async () => {
    last = DigestCache.open(cacheDir);
    const result = await makePlan(loadGraph({ root: ws.root }), { targets: [], platforms: ['linux/amd64'], digestCache: last });
    return result.builds[0].hash;
  };
  const file = (rel: string) => join(ws.root, 'fragments/app', rel);

  beforeEach(async () => {
    ws = tempWorkspace(FILES);
    cacheDir = join(ws.root, 'cache');
    await settle();
  });
  afterEach(() => ws.remove());

  it('remembers settled files: a second plan reads none of them', async () => {
    const first = await plan();
    expect(last.stats).toEqual({ hits: 0, misses: 3 });
    expect(await plan()).toBe(first);
    expect(last.stats).toEqual({ hits: 3, misses: 0 });
  });

  it('a same-size edit with the old mtime restored (touch -d) still changes the tag', async () => {
    // A whole-second mtime that utimes can restore exactly: afterwards only ctime tells the versions apart.
    utimesSync(file('data.txt'), 1_600_000_000, 1_600_000_000);
    await settle();
    const first = await plan();
    writeFileSync(file('data.txt'), 'version two\n'); // same size
    utimesSync(file('data.txt'), 1_600_000_000, 1_600_000_000);
    expect(statSync(file('data.txt'), { bigint: true }).mtimeNs).toBe(1_600_000_000_000_000_000n);
    expect(await plan()).not.toBe(first);
    expect(last.stats.misses).toBe(1);
  });

  it('a rename changes the tag', async () => {
    const first = await plan();
    renameSync(file('other.txt'), file('renamed.txt'));
    expect(await plan()).not.toBe(first);
  });

  it('a mode change re-hashes the file, and the executable bit changes the tag', async () => {
    const first = await plan();
    chmodSync(file('data.txt'), 0o600); // same canonical mode (0644): same tag, but the file is read again
    expect(await plan()).toBe(first);
    expect(last.stats.misses).toBe(1);
    chmodSync(file('data.txt'), 0o755);
    expect(await plan()).not.toBe(first);
  });

  it('a file replaced by another with the same size and times but another inode is re-hashed', async () => {
    utimesSync(file('data.txt'), 1_600_000_000, 1_600_000_000);
    await settle();
    const first = await plan();
    writeFileSync(file('data.new'), 'version two\n');
    utimesSync(file('data.new'), 1_600_000_000, 1_600_000_000);
    renameSync(file('data.new'), file('data.txt'));
    expect(await plan()).not.toBe(first);
    expect(last.stats.misses).toBe(1);
  });

  it('keeps no racy entry: a file modified within the timestamp window is hashed again next time', async () => {
    await plan();
    writeFileSync(file('data.txt'), 'version 2!!\n');
    const second = await plan();
    expect(last.stats.misses).toBe(1);
    expect(await plan()).toBe(second);
    expect(last.stats.misses).toBe(1); // still unsettled: read again, never trusted from the file
  });

  it('ignores a corrupt or truncated cache file, and rewrites it', async () => {
    const first = await plan();
    const cacheFile = join(cacheDir, DIGEST_CACHE_FILE);
    const size = statSync(cacheFile).size;
    truncateSync(cacheFile, size - 7);
    expect(await plan()).toBe(first);
    expect(last.stats).toEqual({ hits: 0, misses: 3 });
    expect(decodeCacheFile(readFileSync(cacheFile))?.size).toBe(3);
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 40] ^= 0xff; // inside a record's digest: the checksum catches it
    writeFileSync(cacheFile, bytes);
    expect(await plan()).toBe(first);
    expect(last.stats.hits).toBe(0);
  });
});

describe('digest cache file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fragments-digests-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stamp = (n: number): FileStamp => ({ size: BigInt(n), mtimeNs: 1_000_000_000n * BigInt(n), ctimeNs: 2n, ino: BigInt(n) << 40n, dev: 2049n, mode: 0o100644n });
  const digest = (n: number) => n.toString(16).padStart(64, '0');

  it('round-trips records (paths with any characters, 64-bit inodes)', () => {
    const cache = DigestCache.open(dir);
    cache.remember('/a/é b\n.txt', stamp(1), true, digest(1));
    cache.remember('/a/two', stamp(2), true, digest(2));
    cache.save();
    const again = DigestCache.open(dir);
    expect(again.lookup('/a/é b\n.txt', stamp(1))).toBe(digest(1));
    expect(again.lookup('/a/two', stamp(2))).toBe(digest(2));
    expect(again.lookup('/a/two', { ...stamp(2), ctimeNs: 3n })).toBeUndefined();
  });

  it('concurrent runs: the last writer wins, merges what the other wrote, and never leaves a partial file', () => {
    const one = DigestCache.open(dir);
    const two = DigestCache.open(dir);
    one.remember('/one', stamp(1), true, digest(1));
    two.remember('/two', stamp(2), true, digest(2));
    one.save();
    two.save();
    expect(readdirSync(dir)).toEqual([DIGEST_CACHE_FILE]); // temporary files renamed, none left behind
    const merged = DigestCache.open(dir);
    expect(merged.lookup('/one', stamp(1))).toBe(digest(1));
    expect(merged.lookup('/two', stamp(2))).toBe(digest(2));
  });

  it('is bounded: beyond its capacity the least recently used records are dropped', () => {
    const records = new Map([1, 2, 3].map((n) => [`/f${n}`, { data: Buffer.alloc(76, n), at: 0, day: 100 + n }]));
    writeFileSync(join(dir, DIGEST_CACHE_FILE), encodeCacheFile(records));
    const cache = DigestCache.open(dir, 2);
    cache.remember('/new', stamp(9), true, digest(9));
    cache.save();
    const kept = decodeCacheFile(readFileSync(join(dir, DIGEST_CACHE_FILE)))!;
    expect([...kept.keys()].sort()).toEqual(['/f3', '/new']);
  });

  it('writes only settled stamps', () => {
    const cache = DigestCache.open(dir);
    cache.remember('/racy', stamp(1), false, digest(1));
    expect(cache.lookup('/racy', stamp(1))).toBe(digest(1)); // reused within the process
    cache.remember('/old', stamp(2), true, digest(2));
    cache.save();
    expect([...decodeCacheFile(readFileSync(join(dir, DIGEST_CACHE_FILE)))!.keys()]).toEqual(['/old']);
  });

  it('a save that cannot write (cache folder is a file) is ignored', () => {
    writeFileSync(join(dir, 'blocked'), '');
    const cache = DigestCache.open(join(dir, 'blocked'));
    cache.remember('/x', stamp(1), true, digest(1));
    expect(() => cache.save()).not.toThrow();
  });
});

describe('racy rule', () => {
  const now = 1_700_000_000_000_000_000n;
  const at = (mtimeNs: bigint, ctimeNs = mtimeNs): FileStamp => ({ size: 1n, mtimeNs, ctimeNs, ino: 1n, dev: 1n, mode: 0o100644n });
  it('settles only stamps whose mtime and ctime are strictly older than the window', () => {
    expect(isSettled(at(now - RACY_WINDOW_NS - 1n), now)).toBe(true);
    expect(isSettled(at(now - RACY_WINDOW_NS), now)).toBe(false);
    expect(isSettled(at(now - 10n * RACY_WINDOW_NS, now), now)).toBe(false); // ctime is recent (utimes, chmod)
    expect(isSettled(at(now + 5n), now)).toBe(false); // from the future (clock skew)
  });
});

describe('digest cache location', () => {
  it('FRAGMENTS_CACHE_DIR overrides it, but never inside a build context', () => {
    expect(digestCacheDir('/ws', ['/ws/fragments/a'], { FRAGMENTS_CACHE_DIR: '/var/cache/x' })).toBe('/var/cache/x');
    expect(() => digestCacheDir('/ws', ['/ws/fragments/a'], { FRAGMENTS_CACHE_DIR: '/ws/fragments/a/cache' })).toThrow(/inside the build context/);
  });
  it('defaults to node_modules/.cache/fragments of the workspace, unless a context holds it', () => {
    const ws = tempWorkspace({ 'node_modules/.keep': '' });
    try {
      expect(digestCacheDir(ws.root, [join(ws.root, 'fragments/a')], {})).toBe(join(ws.root, 'node_modules/.cache/fragments'));
      mkdirSync(join(ws.root, 'xdg'));
      expect(digestCacheDir(ws.root, [ws.root], { XDG_CACHE_HOME: '/xdg-cache' })).toBe('/xdg-cache/fragments');
    } finally {
      ws.remove();
    }
  });
});
