import * as fs from 'node:fs';
import { symlinkSync } from 'node:fs';

// node:fs's own exports cannot be spied on (non-configurable): the module is replaced by itself with a mockable
// readlinkSync that behaves as the real one unless a test says otherwise.
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, readlinkSync: jest.fn(actual.readlinkSync) };
});
import { join } from 'node:path';
import { listContextFiles } from '../../../src/context/context-files';
import { UserError } from '../../../src/errors/user-error';
import { tempWorkspace, type TempWorkspace } from '../../support/temp-workspace';

// Found by the workspace property test (a context of "/" reached /proc/1/cwd): an unreadable symlink ended in
// "internal error (please report): EACCES". It is a problem of the context, reported like any unreadable entry.
describe('listContextFiles: a symlink that cannot be read', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ 'Dockerfile': 'FROM scratch\n' });
    symlinkSync('target', join(ws.root, 'link'));
  });
  afterEach(() => {
    jest.mocked(fs.readlinkSync).mockImplementation(jest.requireActual<typeof import('node:fs')>('node:fs').readlinkSync);
    ws.remove();
  });

  it('is a user error naming the link', async () => {
    jest.mocked(fs.readlinkSync).mockImplementation(() => {
      throw Object.assign(new Error("EACCES: permission denied, readlink 'link'"), { code: 'EACCES' });
    });
    const listing = listContextFiles({ contextDir: ws.root, dockerfilePath: join(ws.root, 'Dockerfile') });
    await expect(listing).rejects.toBeInstanceOf(UserError);
    await expect(listContextFiles({ contextDir: ws.root, dockerfilePath: join(ws.root, 'Dockerfile') })).rejects.toThrow(/cannot read the symlink link in the build context: EACCES/);
  });
});
