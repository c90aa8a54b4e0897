import type { Command } from 'commander';
import { UserError } from '../../errors/user-error';
import type { LockSection } from '../../pins-lock/lock-pins';
import { formatTable } from '../../text/format-table';
import type { GlobalOptions } from '../global-options';

export function registerPinsCommand(program: Command) {
  const pins = program.command('pins').description('work with pins.yaml and pins.lock.yaml');
  pins
    .command('lock')
    .description('resolve every image tag (per platform) to its manifest digest and every download to its sha256, into pins.lock.yaml')
    .option('--only <section>', 'lock only "images" or only "downloads" (the other section keeps its entries)')
    .action(async (opts: { only?: string }, command: Command) => {
      if (opts.only !== undefined && opts.only !== 'images' && opts.only !== 'downloads') {
        throw new UserError(`--only must be "images" or "downloads", not "${opts.only}"`, { field: '--only' });
      }
      const [{ writeLockFile }, { lockPins }, { loadPins }, { displayPath, findWorkspaceRoot }] = await Promise.all([
        import('../../pins-lock/lock-file'),
        import('../../pins-lock/lock-pins'),
        import('../../workspace/load-pins'),
        import('../../workspace/paths'),
      ]);
      const globals = command.optsWithGlobals<GlobalOptions>();
      const root = findWorkspaceRoot(process.cwd(), globals.root);
      const effective = loadPins(root, globals.profile);
      // Throws (and writes nothing) when any entry cannot be resolved.
      const result = await lockPins(effective, { only: opts.only as LockSection | undefined });
      const file = writeLockFile(root, result.lock);
      const rows = result.entries.map((e) => [`${e.section}.${e.key}`, e.platform, e.source, e.value ? shortValue(e.value) : '(digest in pins.yaml)', e.status]);
      process.stdout.write(formatTable(['PIN', 'PLATFORM', 'FROM', 'RESOLVED', 'STATUS'], rows));
      process.stdout.write(`wrote ${displayPath(root, file)}\n`);
    });
}

function shortValue(value: string): string {
  return value.startsWith('sha256:') ? `sha256:${value.slice(7, 19)}` : value.slice(0, 12);
}
