import { DockerfileParser } from 'dockerfile-ast';
import { AUTOMATIC_PLATFORM_ARGS } from '../dockerfile/dockerfile-facts';
import { resolveBuildArgs } from '../plan/resolve-build-args';
import { displayPath } from '../workspace/paths';
import type { FragmentGraph, GraphNode } from '../graph/fragment-graph';
import { InternalError } from '../errors/fragments-error';

/**
 * Text forms of the graph for documentation: a Mermaid flowchart (`fragments graph --mermaid`), the stage table and
 * the plain `docker build` command of every fragment (`--table`, `--docker`). fragments/README.md embeds all three
 * between `<!-- fragments graph --… -->` markers (tools/update-fragments-readme.sh), and a unit test keeps it current.
 */

/** Mermaid node ids allow letters, digits and `_`. */
const mermaidId = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');

export function toMermaid(graph: FragmentGraph): string {
  const lines = ['flowchart TD'];
  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    const bases = [...new Set(Object.values(node.bases))];
    const label = [id, node.image, ...(bases.length > 0 ? [`FROM/bases: ${bases.join(', ')}`] : [])].join('<br/>');
    lines.push(`  ${mermaidId(id)}["${label.replace(/"/g, '#quot;')}"]`);
  }
  for (const id of graph.order) {
    for (const [arg, up] of Object.entries(graph.nodes.get(id)!.uses)) lines.push(`  ${mermaidId(up)} -->|${arg}| ${mermaidId(id)}`);
  }
  return lines.join('\n') + '\n';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One row per node, upstream first: what it is built from and what it carries. */
export function stageTable(graph: FragmentGraph): string {
  const rows = ['| Node | Image | Base images (`images.*`) | Uses (ARG ← node) | Pins (`versions.*`) | What it is |', '|---|---|---|---|---|---|'];
  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    const code = (items: string[]) => (items.length > 0 ? items.map((i) => `\`${i}\``).join(', ') : '—');
    rows.push(
      `| **${id}** | \`${node.image}\` | ${code([...new Set(Object.values(node.bases))])} | ${code(Object.entries(node.uses).map(([a, up]) => `${a} ← ${up}`))} | ${code([...new Set(Object.values(node.pins))])} | ${cell(node.fragment.config.description ?? '')} |`,
    );
  }
  return rows.join('\n') + '\n';
}

/**
 * ARGs of a Dockerfile that a build must pass: declared without a default in a stage and without a global default,
 * or global without a default (BuildKit's automatic platform ARGs excepted).
 */
export function requiredArgs(dockerfileText: string): Set<string> {
  const df = DockerfileParser.parse(dockerfileText);
  const globals = new Map<string, boolean>();
  for (const arg of df.getInitialARGs()) for (const p of arg.getProperties()) globals.set(p.getName(), (globals.get(p.getName()) ?? false) || p.getValue() !== null);
  const required = new Set<string>();
  for (const [name, hasDefault] of globals) if (!hasDefault) required.add(name);
  const initial = new Set(df.getInitialARGs());
  for (const instruction of df.getARGs()) {
    if (initial.has(instruction)) continue;
    for (const p of instruction.getProperties()) if (p.getValue() === null && !globals.get(p.getName())) required.add(p.getName());
  }
  for (const name of AUTOMATIC_PLATFORM_ARGS) required.delete(name);
  return required;
}

/**
 * The plain `docker build` command of each fragment (its first node), upstream first: every ARG without a default,
 * and every pinned value that differs from the Dockerfile's default, from pins.yaml (values of linux/amd64; per-arch
 * ARGs carry both arches). Upstream nodes are named by the `:local` tag the earlier commands give them.
 */
export function plainDockerCommands(graph: FragmentGraph, platform = 'linux/amd64'): string {
  const blocks: string[] = [];
  const seen = new Set<string>();
  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    if (seen.has(node.fragment.name)) continue;
    seen.add(node.fragment.name);
    blocks.push(dockerCommand(graph, node, platform));
  }
  return blocks.join('\n\n') + '\n';
}

function dockerCommand(graph: FragmentGraph, node: GraphNode, platform: string): string {
  const required = requiredArgs(node.fragment.facts.text);
  const { buildArgs } = resolveBuildArgs(node, platform, graph.pins, (up) => `${graph.nodes.get(up)!.image}:local`);
  const defaults = new Map([...node.fragment.facts.allArgs.values()].map((a) => [a.name, a.defaultValue]));
  const args = Object.entries(buildArgs).filter(([name, value]) => required.has(name) || defaults.get(name) !== value);
  const value = (name: string, v: string) => (v === '' && name.endsWith('_SHA256') ? '<sha256 from pins.lock.yaml>' : v);
  const quote = (v: string) => (/^[A-Za-z0-9_.\/:=@%+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const contextDir = displayPath(graph.root, node.contextDir) || '.';
  const variants = graph.order.filter((other) => other !== node.id && graph.nodes.get(other)!.fragment === node.fragment);
  const lines = [
    `# ${node.id}${variants.length > 0 ? ` (the other variants, ${variants.join(', ')}, take their own values: npx fragments plan ${node.fragment.name})` : ''}`,
    `DOCKER_BUILDKIT=1 docker build --platform ${platform} -t ${node.image}:local \\`,
    ...args.map(([name, v]) => `  --build-arg ${name}=${quote(value(name, v))} \\`),
    `  -f ${node.fragment.dockerfileDisplay} ${contextDir}`,
  ];
  return lines.join('\n');
}

/** The generated sections of fragments/README.md: marker name -> Markdown between `<!-- BEGIN/END fragments graph --<name> -->`. */
export function readmeSections(graph: FragmentGraph): Record<string, string> {
  return {
    mermaid: '```mermaid\n' + toMermaid(graph) + '```\n',
    table: stageTable(graph),
    docker: '```sh\n' + plainDockerCommands(graph) + '```\n',
  };
}

const SECTION = /(<!-- BEGIN fragments graph --([a-z]+)[^>]*-->\n)([\s\S]*?)(<!-- END fragments graph --\2 -->)/g;

/** `text` with every marked section replaced by its generated content; throws on a marker with no generator. */
export function updateReadme(text: string, sections: Record<string, string>): string {
  return text.replace(SECTION, (_, begin: string, name: string, _old: string, end: string) => {
    if (!(name in sections)) throw new InternalError(`fragments/README.md has a section "--${name}" that nothing generates`);
    return begin + sections[name] + end;
  });
}

/** Names of the marked sections in `text`, in order. */
export function readmeSectionNames(text: string): string[] {
  return [...text.matchAll(SECTION)].map((m) => m[2]);
}
