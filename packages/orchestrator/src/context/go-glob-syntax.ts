/**
 * The syntax check that moby/patternmatcher runs on every pattern before using it.
 *
 * `patternmatcher.New` calls `filepath.Match(pattern, ".")` only for its error: Go (since 1.16) walks the whole
 * pattern and returns `ErrBadPattern` for an unterminated `[`, a class starting with `-` or `]`, a range with a
 * missing end, or a trailing `\`. This is a port of that walk (`scanChunk`, `matchChunk`, `getEsc` in
 * go/src/path/filepath/match.go, Unix flavour where `\` escapes). It only validates; matching is done by the
 * regexp that `pattern.ts` builds, exactly as patternmatcher does.
 *
 * Note what it does NOT reject, because Go does not either: `[z-a]` (reversed range) and `\q` pass here and only
 * fail later when patternmatcher compiles its regexp (see `go-regexp.ts`).
 */

/** Returns why `pattern` is not valid `filepath.Match` syntax, or `undefined` when it is. */
export function globSyntaxError(pattern: string): string | undefined {
  let rest = pattern;
  while (rest.length > 0) {
    const { chunk, after } = scanChunk(rest);
    const problem = checkChunk(chunk);
    if (problem) return problem;
    rest = after;
  }
  return undefined;
}

/** Go `scanChunk`: drop leading stars, then take text up to the next `*` that is not inside `[...]`. */
function scanChunk(pattern: string): { chunk: string; after: string } {
  let p = pattern;
  while (p.startsWith('*')) p = p.slice(1);
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { chunk: p.slice(0, i), after: p.slice(i) };
}

/** Go `matchChunk` with the matching stripped out: every character class and escape is still parsed. */
function checkChunk(chunk: string): string | undefined {
  let i = 0;
  while (i < chunk.length) {
    const c = chunk[i];
    if (c === '[') {
      i++;
      if (chunk[i] === '^') i++;
      let nrange = 0;
      for (;;) {
        if (i < chunk.length && chunk[i] === ']' && nrange > 0) {
          i++;
          break;
        }
        const lo = classChar(chunk, i);
        if (typeof lo === 'string') return lo;
        i = lo;
        if (chunk[i] === '-') {
          const hi = classChar(chunk, i + 1);
          if (typeof hi === 'string') return hi;
          i = hi;
        }
        nrange++;
      }
    } else if (c === '\\') {
      i++;
      if (i >= chunk.length) return 'a trailing "\\" escapes nothing';
      i += codePointLength(chunk, i);
    } else {
      i += codePointLength(chunk, i);
    }
  }
  return undefined;
}

/** Go `getEsc`: one (possibly escaped) class character; returns the index after it, or an error text. */
function classChar(chunk: string, at: number): number | string {
  let i = at;
  if (i >= chunk.length) return 'unterminated character class "["';
  if (chunk[i] === '-' || chunk[i] === ']') {
    return `"${chunk[i]}" cannot start a range in a character class (escape it as "\\${chunk[i]}")`;
  }
  if (chunk[i] === '\\') {
    i++;
    if (i >= chunk.length) return 'unterminated character class "["';
  }
  i += codePointLength(chunk, i);
  // Go requires something after every class character: at least the closing "]".
  if (i >= chunk.length) return 'unterminated character class "["';
  return i;
}

function codePointLength(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}
