import { readFileSync } from 'node:fs';
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { UserError, UserErrors } from '../errors/user-error';
import { fieldKey, type FieldLines } from './field-lines';

/** A validated config file and a way to point at any of its fields for later (semantic) errors. */
export interface LoadedConfig<T> {
  file: string;
  value: T;
  /** 1-based line of the field at `path` (or of its nearest existing parent); undefined for an empty document. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** The line of every field the document has, so lineOf can be answered without the document (see field-lines). */
  fieldLines?(): FieldLines;
}

/**
 * Reads a YAML file and validates it against a zod schema. Every problem is reported with the file, the line and
 * the dotted field, e.g. `fragments/nixl/fragment.yaml:4: uses.DYNAMO: expected string, received number`.
 */
export function readYamlConfig<S extends z.ZodType>(file: string, schema: S, displayName = file): LoadedConfig<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: displayName });
  }
  return parseYamlConfig(text, schema, displayName);
}

export function parseYamlConfig<S extends z.ZodType>(text: string, schema: S, displayName: string): LoadedConfig<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserErrors(
      doc.errors.map(
        (err) =>
          new UserError(`invalid YAML: ${firstLine(err.message)}`, { file: displayName, line: lineCounter.linePos(err.pos[0]).line }),
      ),
    );
  }
  const lineOf = (path: readonly (string | number)[]) => lineOfPath(doc, lineCounter, path);
  const raw = toJS(doc, lineCounter, displayName) ?? {};
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new UserErrors(
      result.error.issues.flatMap((issue) => {
        // An unknown key is best reported at the key itself, one error per key.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map(
            (key) =>
              new UserError(
                `unknown key "${key}"`,
                { file: displayName, line: lineOf([...issue.path.map(asSegment), key]), field: dotted([...issue.path.map(asSegment), key]) },
                'remove it or check its spelling; the schema lists every allowed key',
              ),
          );
        }
        const path = issue.path.map(asSegment);
        if (issue.code === 'invalid_key') {
          // A record key failed its own schema: say which key and why, not zod's generic "Invalid key in record".
          const reason = issue.issues.map((i) => i.message).join('; ');
          return [new UserError(`key "${String(path[path.length - 1])}" ${reason}`, { file: displayName, line: lineOf(path), field: dotted(path) })];
        }
        return [new UserError(issue.message, { file: displayName, line: lineOf(path), field: dotted(path) || undefined })];
      }),
    );
  }
  return { file: displayName, value: result.data, lineOf, fieldLines: () => collectFieldLines(doc, lineCounter) };
}

/** lineOfPath of every path the document holds (map keys and sequence items, at every depth, and the root). */
function collectFieldLines(doc: Document, lineCounter: LineCounter): FieldLines {
  const lines: FieldLines = {};
  const record = (path: (string | number)[]) => {
    const line = lineOfPath(doc, lineCounter, path);
    if (line !== undefined) lines[fieldKey(path)] = line;
  };
  const walk = (node: unknown, path: (string | number)[]) => {
    record(path);
    if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return lines;
}

/**
 * The document's value. The parser accepts things only resolving can refuse: an alias to an anchor that is not
 * defined before it (`*x`), or aliases expanding beyond yaml's resource limit. Both are the file's fault.
 */
function toJS(doc: Document, lineCounter: LineCounter, displayName: string): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    let line: number | undefined;
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) !== undefined) return undefined;
        if (alias.range) line = lineCounter.linePos(alias.range[0]).line;
        return visit.BREAK;
      },
    });
    const hint = line !== undefined ? 'define each anchor (&name) before its alias (*name)' : undefined;
    throw new UserError(`invalid YAML: ${firstLine((e as Error).message)}`, { file: displayName, line }, hint);
  }
}

function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  // Walk down as far as the path exists; report the deepest node found (a missing key is reported at its parent).
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const parentPath = prefix.slice(0, -1);
    const parent = prefix.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (prefix.length > 0 && isMap(parent)) {
      const key = prefix[prefix.length - 1];
      const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function asSegment(p: PropertyKey): string | number {
  return typeof p === 'number' ? p : String(p);
}

export function dotted(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
