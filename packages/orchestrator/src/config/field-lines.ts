/**
 * The line of each field of a YAML document, keyed by its path (see fieldKey): what a LoadedConfig's lineOf answers,
 * as plain data, so a config read from the parse cache can still point errors at file:line without parsing again.
 */
export type FieldLines = Record<string, number>;

/** Segments joined by NUL (no YAML key a config allows contains it); numbers and their strings are the same key. */
export function fieldKey(path: readonly (string | number)[]): string {
  return path.map(String).join('\u0000');
}

/** lineOf over a table: the line of the path, else of its nearest existing parent (as the live document answers). */
export function lineOfFromTable(lines: FieldLines): (path: readonly (string | number)[]) => number | undefined {
  return (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const key = fieldKey(path.slice(0, depth));
      // Own keys only: a field named "constructor" must not find Object.prototype's.
      if (Object.hasOwn(lines, key)) return lines[key];
    }
    return undefined;
  };
}
