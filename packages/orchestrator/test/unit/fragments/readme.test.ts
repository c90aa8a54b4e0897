import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readmeSectionNames, readmeSections, requiredArgs, updateReadme } from '../../../src/render/graph-docs';
import { loadGraph } from '../../../src/graph/load-graph';

const repo = resolve(__dirname, '../../../../..');
const readme = readFileSync(resolve(repo, 'fragments/README.md'), 'utf8');
const graph = loadGraph({ root: repo });

describe('fragments/README.md', () => {
  it('embeds the graph (Mermaid), the stage table and the plain docker commands, generated from the fragments', () => {
    expect(readmeSectionNames(readme)).toEqual(['mermaid', 'table', 'docker']);
    // Stale? Run: npx tsc -b && node tools/update-fragments-readme.js
    expect(updateReadme(readme, readmeSections(graph))).toBe(readme);
  });

  it('the Mermaid graph has every node and every uses edge', () => {
    const mermaid = readmeSections(graph).mermaid;
    for (const node of graph.nodes.values()) {
      expect(mermaid).toContain(`["${node.id}<br/>`);
      for (const [arg, up] of Object.entries(node.uses)) expect(mermaid).toContain(`${up.replace(/[^A-Za-z0-9_]/g, '_')} -->|${arg}| ${node.id.replace(/[^A-Za-z0-9_]/g, '_')}`);
    }
  });

  describe('plain docker: each documented command passes every ARG without a default', () => {
    const section = readme.slice(readme.indexOf('<!-- BEGIN fragments graph --docker'), readme.indexOf('<!-- END fragments graph --docker'));
    const commands = section.replace(/\\\n\s*/g, ' ').split('\n').filter((line) => /docker (buildx )?build /.test(line));
    it.each(graph.fragments.map((f) => f.name))('%s', (name) => {
      const fragment = graph.fragments.find((f) => f.name === name)!;
      const command = commands.find((c) => c.includes(` -f ${fragment.dockerfileDisplay} `));
      expect({ name, documented: command !== undefined }).toEqual({ name, documented: true });
      const passed = new Set([...command!.matchAll(/--build-arg ([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]));
      const missing = [...requiredArgs(fragment.facts.text)].filter((arg) => !passed.has(arg));
      const undeclared = [...passed].filter((arg) => !fragment.facts.allArgs.has(arg));
      expect({ name, missing, undeclared }).toEqual({ name, missing: [], undeclared: [] });
    });
  });

  it('requiredArgs sees stage ARGs without a default, and not ARGs with a global or local default', () => {
    const text = 'ARG A\nARG B=1\nFROM x\nARG B\nARG C\nARG D=2\nARG TARGETARCH\n';
    expect([...requiredArgs(text)].sort()).toEqual(['A', 'C']);
  });
});
