import type { Command } from 'commander';
import type { FragmentGraph } from '../../graph/fragment-graph';
import { graphFromOptions } from '../global-options';

export function registerGraphCommand(program: Command) {
  program
    .command('graph')
    .description('print the node graph, upstream first (each node with what it uses)')
    .option('--dot', 'Graphviz dot output')
    .option('--mermaid', 'Mermaid flowchart (fragments/README.md embeds it)')
    .option('--table', 'the stage table of fragments/README.md (Markdown)')
    .option('--docker', 'the plain `docker build` command of every fragment, with its build args from the pins')
    .action(async (opts: { dot?: boolean; mermaid?: boolean; table?: boolean; docker?: boolean }, command: Command) => {
      const graph = await graphFromOptions(command);
      const { plainDockerCommands, stageTable, toMermaid } = await import('../../render/graph-docs');
      if (opts.mermaid) process.stdout.write(toMermaid(graph));
      else if (opts.table) process.stdout.write(stageTable(graph));
      else if (opts.docker) process.stdout.write(plainDockerCommands(graph));
      else process.stdout.write(opts.dot ? toDot(graph) : toText(graph));
    });
}

export function toText(graph: FragmentGraph): string {
  return graph.order
    .map((id) => {
      const node = graph.nodes.get(id)!;
      const uses = Object.entries(node.uses).map(([arg, up]) => `${up} (${arg})`);
      return uses.length > 0 ? `${id} <- ${uses.join(', ')}` : id;
    })
    .join('\n') + '\n';
}

export function toDot(graph: FragmentGraph): string {
  const lines = ['digraph fragments {', '  rankdir=LR;', '  node [shape=box];'];
  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    lines.push(`  "${id}" [label="${id}\\n${node.image}"];`);
    for (const [arg, up] of Object.entries(node.uses)) lines.push(`  "${up}" -> "${id}" [label="${arg}"];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
