import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { assertNoSpecialFiles, listContextFiles } from '../context/context-files';
import type { RenderResult } from './render-node';
import { InternalError } from '../errors/fragments-error';
import { classifySystemError } from '../errors/system-error';

export const SINGLE_CONTEXT_DIR = '.fragments';

/**
 * Writes a combined build context for a `single-context` render: `<dir>/Dockerfile` and each fragment's context files
 * (exactly what `docker build` would send for it: its .dockerignore applies) under `<dir>/.fragments/<node>/`.
 * A previous `.fragments/` in `dir` is replaced, so no stale file reaches the build. Returns the files written.
 */
export async function writeSingleContext(result: RenderResult, dir: string): Promise<{ dockerfile: string; files: number }> {
  try {
    return await writeContext(result, dir);
  } catch (e) {
    // A full disk or a folder we may not write is the machine's problem: say which folder.
    throw classifySystemError(e, { doing: 'writing the single build context', where: dir });
  }
}

async function writeContext(result: RenderResult, dir: string): Promise<{ dockerfile: string; files: number }> {
  if (result.mode !== 'single-context') throw new InternalError('writeSingleContext needs a single-context render');
  await fs.mkdir(dir, { recursive: true });
  await fs.rm(join(dir, SINGLE_CONTEXT_DIR), { recursive: true, force: true });
  let files = 0;
  for (const context of result.contexts) {
    const listing = await listContextFiles({ contextDir: context.dir, dockerfilePath: context.dockerfile });
    assertNoSpecialFiles(listing);
    const target = join(dir, context.prefix);
    await fs.mkdir(target, { recursive: true });
    const dirModes: [string, number][] = [];
    for (const entry of listing.entries) {
      const to = join(target, ...entry.relPath.split('/'));
      if (entry.type === 'dir') {
        await fs.mkdir(to, { recursive: true });
        dirModes.push([to, entry.mode]);
      } else if (entry.type === 'symlink') {
        await fs.symlink(entry.linkTarget!, to);
      } else {
        await fs.copyFile(entry.absPath, to);
        await fs.chmod(to, entry.mode);
        files++;
      }
    }
    // Directory modes last: a read-only directory must still receive its files first.
    for (const [path, mode] of dirModes.reverse()) await fs.chmod(path, mode);
  }
  const dockerfile = join(dir, 'Dockerfile');
  await fs.writeFile(dockerfile, result.dockerfile);
  return { dockerfile, files };
}
