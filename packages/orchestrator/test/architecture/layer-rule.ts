// The orchestrator's layers, top to bottom, and the rule that checks them: a file may import from its own folder
// or from a folder of a LOWER layer, never from a higher layer and never from another folder of its own layer
// (peers stay independent, so no cycle can form between folders). A new src/ folder must be placed here.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Files directly in src/ (index.ts, the public API) count as this folder. */
export const ROOT = '.';

/** Top first. Each row is one layer; its folders may import only the rows below it. */
export const ORCHESTRATOR_LAYERS: readonly (readonly string[])[] = [
  [ROOT], // index.ts: the public API the nx plugin imports
  ['cli'], // commands, argument parsing, terminal output
  ['report'], // the build report (--report): model, critical path, Markdown with a Mermaid timeline, engine facts
  ['orchestration'], // build a plan: EngineBuilder, RegistryBuilder, run-graph, build-plan, labels, sccache, status
  ['lint', 'render', 'pins-lock'], // the other commands' features
  ['registry', 'progress', 'session', 'pack'], // registry client, progress views, BuildKit session, tar contexts
  ['plan', 'engine'], // the plan of builds; the Engine API protocol (connect, response lines, status, push)
  ['hash'], // content hashes of nodes
  ['graph'], // the fragment graph (and loading it)
  ['workspace'], // fragments, pins and paths on disk
  ['config', 'context', 'dockerfile', 'files', 'schema', 'text'], // leaves: YAML reading, context files, Dockerfile facts, atomic file writes, zod schemas, tables
  ['model', 'errors', 'generated'], // shared types; the error family (user / environment / internal) and its classifier; protobuf code generated from proto/
];

export interface LayerViolation {
  /** Relative to the checked src/ folder. */
  file: string;
  line: number;
  specifier: string;
  fromFolder: string;
  toFolder: string;
  /** `file:line: imports X (layer N folder/) from layer M folder/`, layers counted from the bottom (0). */
  message: string;
}

export interface LayerCheck {
  violations: LayerViolation[];
  /** src/ folders the table does not place, and table folders that do not exist. */
  tableErrors: string[];
  /** Import edges checked (for the report). */
  importsChecked: number;
}

/** Checks every .ts file under `srcDir` against `layers` (top first). */
export function checkLayers(srcDir: string, layers: readonly (readonly string[])[] = ORCHESTRATOR_LAYERS): LayerCheck {
  const rank = new Map<string, number>();
  layers.forEach((row, i) => row.forEach((folder) => rank.set(folder, layers.length - 1 - i)));
  const folders = readdirSync(srcDir).filter((name) => statSync(join(srcDir, name)).isDirectory());
  const tableErrors = [
    ...folders.filter((f) => !rank.has(f)).map((f) => `src/${f}/ is not in the layer table: place it in a layer`),
    ...[...rank.keys()].filter((f) => f !== ROOT && !folders.includes(f)).map((f) => `the layer table names ${f}/, which src/ does not have`),
  ];
  const describe = (folder: string) => `layer ${rank.get(folder) ?? '?'} ${folder === ROOT ? 'index.ts' : `${folder}/`}`;
  const violations: LayerViolation[] = [];
  let importsChecked = 0;
  for (const file of tsFiles(srcDir)) {
    const fromFolder = folderOf(srcDir, file);
    const text = readFileSync(file, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    for (const imported of importedFiles) {
      if (!imported.fileName.startsWith('.')) continue; // packages and node: builtins
      const target = resolve(dirname(file), imported.fileName);
      if (relative(srcDir, target).startsWith('..')) continue;
      importsChecked++;
      const toFolder = folderOf(srcDir, target);
      if (toFolder === fromFolder) continue;
      const from = rank.get(fromFolder);
      const to = rank.get(toFolder);
      if (from === undefined || to === undefined || to < from) continue; // unplaced folders are table errors
      const line = source.getLineAndCharacterOfPosition(imported.pos).line + 1;
      const rel = relative(srcDir, file).split(sep).join('/');
      violations.push({
        file: rel,
        line,
        specifier: imported.fileName,
        fromFolder,
        toFolder,
        message: `${rel}:${line}: imports ${imported.fileName} (${describe(toFolder)}) from ${describe(fromFolder)}${to === from ? ': same layer, peers stay independent' : ''}`,
      });
    }
  }
  return { violations, tableErrors, importsChecked };
}

/** The table as printed in reports: `N  folder, folder`, top first. */
export function formatLayerTable(layers: readonly (readonly string[])[] = ORCHESTRATOR_LAYERS): string {
  return layers.map((row, i) => `${String(layers.length - 1 - i).padStart(2)}  ${row.map((f) => (f === ROOT ? 'index.ts' : `${f}/`)).join(' ')}`).join('\n');
}

/** The first path segment under src/ (`../session` names the folder itself), or ROOT for files directly in it. */
function folderOf(srcDir: string, path: string): string {
  const parts = relative(srcDir, path).split(sep);
  return parts.length > 1 || isDirectory(path) ? parts[0] : ROOT;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
