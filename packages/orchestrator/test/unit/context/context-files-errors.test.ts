import { promises as fs, symlinkSync } from 'node:fs';
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
    jest.restoreAllMocks();
    ws.remove();
  });

  it('is a user error naming the link', async () => {
    jest.spyOn(fs, 'readlink').mockRejectedValue(Object.assign(new Error("EACCES: permission denied, readlink 'link'"), { code: 'EACCES' }));
    const listing = listContextFiles({ contextDir: ws.root, dockerfilePath: join(ws.root, 'Dockerfile') });
    await expect(listing).rejects.toBeInstanceOf(UserError);
    await expect(listContextFiles({ contextDir: ws.root, dockerfilePath: join(ws.root, 'Dockerfile') })).rejects.toThrow(/cannot read the symlink link in the build context: EACCES/);
  });
});
