import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertNoSpecialFiles,
  ContextListing,
  isInside,
  linkEscapesContext,
  listContextFiles,
} from '../../../src/context/context-files';
import { UserError } from '../../../src/errors/user-error';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-files-')));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Creates files (keys ending in "/" are directories) below `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (rel.endsWith('/')) {
      fs.mkdirSync(abs, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
  }
}

/** Lists the context at `tmp/ctx` and shows entries as paths, directories with a trailing "/". */
async function list(files: Record<string, string>, dockerfile = 'Dockerfile'): Promise<string[]> {
  const ctx = path.join(tmp, 'ctx');
  write(ctx, files);
  const { entries } = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, dockerfile) });
  return entries.map((e) => (e.type === 'dir' ? `${e.relPath}/` : e.relPath));
}

describe('listContextFiles: order and shape', () => {
  it('walks depth-first, sorting each folder by UTF-8 bytes, without the root', async () => {
    const files = { 'b.txt': '', 'a.txt': '', 'a/z': '', 'a/b/c': '', 'B': '', 'é': '', 'z': '', Dockerfile: '' };
    expect(await list(files)).toEqual(['B', 'Dockerfile', 'a/', 'a/b/', 'a/b/c', 'a/z', 'a.txt', 'b.txt', 'z', 'é']);
  });

  it('is deterministic whatever the creation order', async () => {
    const names = ['m', 'a', 'Z', 'a-b', 'a_b', 'a.b', '0', 'x/y', 'x/a'];
    const one = path.join(tmp, 'one');
    const two = path.join(tmp, 'two');
    write(one, Object.fromEntries(names.map((n) => [n, n])));
    write(two, Object.fromEntries([...names].reverse().map((n) => [n, n])));
    const rel = async (dir: string) =>
      (await listContextFiles({ contextDir: dir, dockerfilePath: path.join(dir, 'Dockerfile') })).entries.map((e) => e.relPath);
    expect(await rel(one)).toEqual(await rel(two));
    expect(await rel(one)).toEqual(['0', 'Z', 'a', 'a-b', 'a.b', 'a_b', 'm', 'x', 'x/a', 'x/y']);
  });

  it('reports type, permission bits and size from lstat', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'run.sh': '#!/bin/sh\n', 'secret.txt': 'abc', 'sticky/': '' });
    fs.chmodSync(path.join(ctx, 'run.sh'), 0o4755);
    fs.chmodSync(path.join(ctx, 'secret.txt'), 0o600);
    fs.chmodSync(path.join(ctx, 'sticky'), 0o1777);
    const { root, entries } = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
    expect(root).toBe(ctx);
    const st = (name: string) => fs.lstatSync(path.join(ctx, name), { bigint: true });
    const stamp = (name: string) => ({ size: st(name).size, mtimeNs: st(name).mtimeNs, ctimeNs: st(name).ctimeNs, ino: st(name).ino, dev: st(name).dev, mode: st(name).mode });
    expect(entries).toEqual([
      // Files carry their lstat stamp for the digest cache; written just now, it is not settled yet.
      { relPath: 'run.sh', absPath: path.join(ctx, 'run.sh'), type: 'file', mode: 0o4755, size: 10, stamp: stamp('run.sh'), settled: false },
      { relPath: 'secret.txt', absPath: path.join(ctx, 'secret.txt'), type: 'file', mode: 0o600, size: 3, stamp: stamp('secret.txt'), settled: false },
      { relPath: 'sticky', absPath: path.join(ctx, 'sticky'), type: 'dir', mode: 0o1777, size: 0 },
    ]);
  });

  it('resolves a symlinked context directory to its real path', async () => {
    write(path.join(tmp, 'real'), { 'a.txt': '' });
    fs.symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'alias'));
    const listing = await listContextFiles({ contextDir: path.join(tmp, 'alias'), dockerfilePath: path.join(tmp, 'alias', 'Dockerfile') });
    expect(listing.root).toBe(path.join(tmp, 'real'));
    expect(listing.entries.map((e) => e.absPath)).toEqual([path.join(tmp, 'real', 'a.txt')]);
  });

  it('refuses a context that is not a directory', async () => {
    write(tmp, { file: '' });
    await expect(listContextFiles({ contextDir: path.join(tmp, 'file'), dockerfilePath: 'Dockerfile' })).rejects.toThrow(UserError);
    await expect(listContextFiles({ contextDir: path.join(tmp, 'missing'), dockerfilePath: 'Dockerfile' })).rejects.toThrow(
      /build context is not a directory/,
    );
  });
});

describe('listContextFiles: .dockerignore', () => {
  it('drops an excluded directory with everything in it; patterns are anchored at the root', async () => {
    const files = { '.dockerignore': 'node_modules\n*.log', Dockerfile: '', 'node_modules/x/y.js': '', 'a.log': '', 'src/b.log': '' };
    // "*.log" is not "**/*.log": src/b.log stays.
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'src/', 'src/b.log']);
  });

  it('re-includes through a literal exception, emitting the excluded parents', async () => {
    const files = {
      '.dockerignore': 'docs\n!docs/guide/README.md',
      Dockerfile: '',
      'docs/other.md': '',
      'docs/guide/README.md': '',
      'docs/guide/x.md': '',
    };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'docs/', 'docs/guide/', 'docs/guide/README.md']);
  });

  it('re-includes a whole folder below an excluded one', async () => {
    const files = { '.dockerignore': 'a\n!a/b', Dockerfile: '', 'a/x': '', 'a/b/c/d': '' };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'a/', 'a/b/', 'a/b/c/', 'a/b/c/d']);
  });

  it('re-includes through a wildcard exception inside excluded folders (BuildKit, unlike the classic CLI)', async () => {
    const files = {
      '.dockerignore': 'secret\nlogs\n!**/keep.txt',
      Dockerfile: '',
      'secret/keep.txt': '',
      'secret/key.pem': '',
      'secret/deep/keep.txt': '',
      'logs/a.log': '',
    };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'secret/', 'secret/deep/', 'secret/deep/keep.txt', 'secret/keep.txt']);
  });

  it('does not emit an excluded folder that was entered but re-includes nothing', async () => {
    const files = { '.dockerignore': 'logs\n!*.txt', Dockerfile: '', 'logs/a.txt': '', 'b.txt': '' };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'b.txt']);
  });

  it('excludes with parent results like fsutil ("*/b" then "!a" still excludes a/b)', async () => {
    const files = { '.dockerignore': '*/b\n!a', Dockerfile: '', 'a/b': '', 'a/c': '' };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile', 'a/', 'a/c']);
  });

  it('always keeps the Dockerfile and the ignore file', async () => {
    const files = { '.dockerignore': '*', Dockerfile: '', 'a.txt': '', 'src/x': '' };
    expect(await list(files)).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('keeps a Dockerfile inside an excluded folder, and its folder', async () => {
    const files = { '.dockerignore': 'docker\n**/*.dockerignore', 'docker/app.Dockerfile': '', 'docker/other': '', 'x': '' };
    expect(await list(files, 'docker/app.Dockerfile')).toEqual(['.dockerignore', 'docker/', 'docker/app.Dockerfile', 'x']);
  });

  it('prefers <Dockerfile>.dockerignore over the root .dockerignore, without merging', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, {
      '.dockerignore': 'a.txt',
      'docker/app.Dockerfile': '',
      'docker/app.Dockerfile.dockerignore': 'b.txt\ndocker',
      'a.txt': '',
      'b.txt': '',
    });
    const listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'docker/app.Dockerfile') });
    expect(listing.ignoreFile).toBe(path.join(ctx, 'docker/app.Dockerfile.dockerignore'));
    expect(listing.entries.map((e) => e.relPath)).toEqual([
      '.dockerignore',
      'a.txt',
      'docker',
      'docker/app.Dockerfile',
      'docker/app.Dockerfile.dockerignore',
    ]);
  });

  it('falls back to the root .dockerignore, and works with a Dockerfile outside the context', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(tmp, { 'outside/Dockerfile': '', 'ctx/.dockerignore': 'b.txt', 'ctx/a.txt': '', 'ctx/b.txt': '' });
    const listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(tmp, 'outside/Dockerfile') });
    expect(listing.ignoreFile).toBe(path.join(ctx, '.dockerignore'));
    expect(listing.entries.map((e) => e.relPath)).toEqual(['.dockerignore', 'a.txt']);

    write(tmp, { 'outside/Dockerfile.dockerignore': 'a.txt' });
    const again = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(tmp, 'outside/Dockerfile') });
    expect(again.ignoreFile).toBe(path.join(tmp, 'outside/Dockerfile.dockerignore'));
    expect(again.entries.map((e) => e.relPath)).toEqual(['.dockerignore', 'b.txt']);
  });

  it('reports no ignore file when there is none', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'a.txt': '' });
    expect((await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') })).ignoreFile).toBeUndefined();
  });

  it('names the ignore file and line of an invalid pattern', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { '.dockerignore': '# ok\nfoo\nbar[\n' });
    const error = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.format()).toMatch(new RegExp(`^${path.join(ctx, '.dockerignore')}:3: invalid pattern "bar\\["`));
  });
});

// Permission bits do not stop root, so these only run as an ordinary user.
// As root they are skipped visibly: the reason is part of the test name jest prints.
const asNonRoot: (name: string, fn: () => Promise<void>) => void =
  process.getuid?.() === 0 ? (name, fn) => it.skip(`${name} [skipped: running as root, which reads every folder]`, fn) : (name, fn) => it(name, fn);

if (process.getuid?.() === 0) {
  process.stdout.write('\n[context-files] 2 unreadable-folder tests SKIPPED: running as root, which reads every folder\n');
}

describe('listContextFiles: unreadable folders', () => {
  asNonRoot('ignores an unreadable folder that is excluded, even when entered for a wildcard exception', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { '.dockerignore': 'locked\n!**/keep.txt', 'locked/keep.txt': '', 'a.txt': '' });
    fs.chmodSync(path.join(ctx, 'locked'), 0o000);
    try {
      const listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
      expect(listing.entries.map((e) => e.relPath)).toEqual(['.dockerignore', 'a.txt']);
    } finally {
      fs.chmodSync(path.join(ctx, 'locked'), 0o755);
    }
  });

  asNonRoot('refuses an unreadable folder that is included, naming it', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'locked/x': '' });
    fs.chmodSync(path.join(ctx, 'locked'), 0o000);
    try {
      await expect(listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') })).rejects.toThrow(
        /cannot read directory locked in the build context: EACCES/,
      );
    } finally {
      fs.chmodSync(path.join(ctx, 'locked'), 0o755);
    }
  });
});

describe('listContextFiles: links and special files', () => {
  it('returns symlinks as links with their raw target and never follows them', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'real/inner.txt': '' });
    fs.symlinkSync('real', path.join(ctx, 'dirlink'));
    fs.symlinkSync('/etc', path.join(ctx, 'etc'));
    fs.symlinkSync('../../nowhere', path.join(ctx, 'dangling'));
    const { entries } = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
    expect(entries.map((e) => [e.relPath, e.type, e.linkTarget])).toEqual([
      ['dangling', 'symlink', '../../nowhere'],
      ['dirlink', 'symlink', 'real'],
      ['etc', 'symlink', '/etc'],
      ['real', 'dir', undefined],
      ['real/inner.txt', 'file', undefined],
    ]);
    const escapes = entries.filter((e) => e.type === 'symlink').map((e) => linkEscapesContext(ctx, e.absPath, e.linkTarget!));
    expect(escapes).toEqual([true, false, true]);
  });

  it('flags a FIFO and a socket as special files, which assertNoSpecialFiles refuses by path', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'a.txt': '' });
    execFileSync('mkfifo', [path.join(ctx, 'pipe')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(ctx, 'sock'), resolve));
    let listing: ContextListing;
    try {
      listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(listing.entries.map((e) => [e.relPath, e.type, e.specialKind])).toEqual([
      ['a.txt', 'file', undefined],
      ['pipe', 'special', 'fifo'],
      ['sock', 'special', 'socket'],
    ]);
    expect(() => assertNoSpecialFiles(listing)).toThrow(UserError);
    expect(() => assertNoSpecialFiles(listing)).toThrow(/pipe \(fifo\), sock \(socket\)/);
  });

  it('drops excluded special files silently', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { '.dockerignore': 'pipe', 'a.txt': '' });
    execFileSync('mkfifo', [path.join(ctx, 'pipe')]);
    const listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
    expect(listing.entries.map((e) => e.relPath)).toEqual(['.dockerignore', 'a.txt']);
    expect(() => assertNoSpecialFiles(listing)).not.toThrow();
  });

  it('refuses an included file whose name is not UTF-8, but not an excluded one', async () => {
    const ctx = path.join(tmp, 'ctx');
    write(ctx, { 'a.txt': '' });
    fs.writeFileSync(Buffer.concat([Buffer.from(ctx + '/bad'), Buffer.from([0xff])]), '');
    await expect(listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') })).rejects.toThrow(/not valid UTF-8/);
    write(ctx, { '.dockerignore': 'bad*' });
    const listing = await listContextFiles({ contextDir: ctx, dockerfilePath: path.join(ctx, 'Dockerfile') });
    expect(listing.entries.map((e) => e.relPath)).toEqual(['.dockerignore', 'a.txt']);
  });
});

describe('isInside', () => {
  it.each([
    ['/ctx', '/ctx', true],
    ['/ctx', '/ctx/a/b', true],
    ['/ctx', '/ctx/../ctx/a', true],
    ['/ctx', '/ctx2', false],
    ['/ctx', '/', false],
    ['/ctx', '/ctx/..', false],
    ['/ctx', '/ctx/..foo', true],
  ])('%j contains %j: %s', (dir, target, expected) => {
    expect(isInside(dir, target)).toBe(expected);
  });

  it('resolves link targets against the link folder', () => {
    expect(linkEscapesContext('/ctx', '/ctx/a/link', '../b')).toBe(false);
    expect(linkEscapesContext('/ctx', '/ctx/a/link', '../../b')).toBe(true);
    expect(linkEscapesContext('/ctx', '/ctx/link', '/ctx/b')).toBe(false);
  });
});
