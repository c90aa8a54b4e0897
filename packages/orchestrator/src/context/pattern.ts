import { compileGoRegexp } from './go-regexp';

/**
 * One compiled .dockerignore pattern: a port of moby/patternmatcher's `Pattern.compile` and `Pattern.match`
 * (patternmatcher.go, Unix: the separator is `/` and `\` escapes).
 *
 * Like patternmatcher, most patterns never become a regexp: a pattern with no wildcard is compared as a string
 * (`exact`), `dir/**` as a prefix, `**` + literal as a suffix. Everything else is turned into Go regexp text and
 * then compiled with Go's rules by `go-regexp.ts`, so `[...]` classes and `\` escapes mean what Docker means.
 */
export type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

/**
 * The regexp metacharacters patternmatcher really escapes: `.+()$`.
 *
 * Its `shouldEscape` means to escape `.+()|{}$` (moby/moby#42927, 2021), but it records them in an `[8]byte`
 * bitmap as `escapeBytes[b%8] |= 1 << (b/8)`: for a character above 63 the shift is 8 or more and the byte stays 0.
 * So `|`, `{` and `}` reach Go's regexp unescaped and mean alternation and counted repeats there, once the pattern
 * is a regexp at all (it has a `*`, `?`, `[`, `]` or `\`): `*.txt|*.md` becomes `^[^/]*\.txt|[^/]*\.md$` and
 * excludes `a.txt`, `a.txt2` and `d/b.md`, while `a|b` without a wildcard is compared as the literal name "a|b".
 * `docker build` (CLI 28, patternmatcher v0.6) behaves exactly so; test/engine/dockerignore-agreement.test.ts
 * checks it on the real engine.
 */
const ESCAPED = new Set(['.', '+', '(', ')', '$']);

export interface CompiledPattern {
  matchType: MatchType;
  /** The Go regexp text patternmatcher would build; only for `regexp` patterns (kept for tests and messages). */
  goRegexp?: string;
  regexp?: RegExp;
}

/** Port of `Pattern.compile(sl = "/")`. Throws `GoRegexpError` where Go's `regexp.Compile` fails. */
export function compilePattern(cleaned: string): CompiledPattern {
  let reg = '^';
  let type: MatchType = 'exact';
  const chars = Array.from(cleaned); // Go scans runes with text/scanner
  // text/scanner silently skips a byte-order mark at the very start of its input.
  let pos = chars[0] === '\uFEFF' ? 1 : 0;
  for (let i = 0; pos < chars.length; i++) {
    const ch = chars[pos++];
    if (ch === '*') {
      if (chars[pos] === '*') {
        pos++;
        // "**/" is treated as "**".
        if (chars[pos] === '/') pos++;
        if (pos >= chars.length) {
          // A trailing "**" matches everything below: a plain prefix test unless a regexp is already needed.
          if (type === 'exact') type = 'prefix';
          else {
            reg += '.*';
            type = 'regexp';
          }
        } else {
          // Any number of leading directories, including none.
          reg += '(.*/)?';
          type = 'regexp';
        }
        // A leading "**" makes it a suffix test (later wildcards still upgrade it to a regexp).
        if (i === 0) type = 'suffix';
      } else {
        reg += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      reg += '[^/]';
      type = 'regexp';
    } else if (ESCAPED.has(ch)) {
      reg += '\\' + ch;
    } else if (ch === '\\') {
      // Escape the next character. A trailing "\" stays as is (filepath.Match has already rejected it).
      if (pos < chars.length) {
        reg += '\\' + chars[pos++];
        type = 'regexp';
      } else {
        reg += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      reg += ch;
      type = 'regexp';
    } else {
      reg += ch;
    }
  }
  if (type !== 'regexp') return { matchType: type };
  reg += '$';
  return { matchType: type, goRegexp: reg, regexp: compileGoRegexp(reg) };
}

/** Port of `Pattern.match`: does `path` (slash-separated, relative, clean) match this one pattern on its own? */
export function matchPattern(cleaned: string, compiled: CompiledPattern, path: string): boolean {
  switch (compiled.matchType) {
    case 'exact':
      return path === cleaned;
    case 'prefix':
      // Strip the trailing "**".
      return path.startsWith(cleaned.slice(0, -2));
    case 'suffix': {
      // Strip the leading "**".
      const suffix = cleaned.slice(2);
      if (path.endsWith(suffix)) return true;
      // "**/foo" also matches "foo" itself.
      return suffix.startsWith('/') && path === suffix.slice(1);
    }
    case 'regexp':
      return compiled.regexp!.test(path);
  }
}
