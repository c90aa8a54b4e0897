import type { Command } from 'commander';
import { graphFromOptions } from '../global-options';
import { formatTable } from '../../text/format-table';

export function registerListCommand(program: Command) {
  program
    .command('list')
    .description('list every fragment, its nodes (one per variant) and image')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const graph = await graphFromOptions(command);
      const rows = graph.fragments.map((f) => {
        const nodes = [...graph.nodes.values()].filter((n) => n.fragment === f);
        return { fragment: f.name, nodes: nodes.map((n) => n.id), images: nodes.map((n) => n.image), description: f.config.description ?? '' };
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        formatTable(['FRAGMENT', 'NODES', 'IMAGE', 'DESCRIPTION'], rows.map((r) => [r.fragment, r.nodes.join(' '), [...new Set(r.images)].join(' '), r.description])),
      );
    });
}
