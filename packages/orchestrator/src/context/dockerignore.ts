import { UserError } from '../errors/user-error';
import { globSyntaxError } from './go-glob-syntax';
import { GoRegexpError } from './go-regexp';
import { goClean, goDir, goTrimSpace } from './go-text';
import { compilePattern, matchPattern, type CompiledPattern, type MatchType } from './pattern';
import { InternalError } from '../errors/fragments-error';

/**
 * .dockerignore parsing and matching, ported from moby/patternmatcher v0.6 (`ignorefile.ReadAll`, `New`,
 * `MatchesOrParentMatches`, `MatchesUsingParentResults`) and tonistiigi/fsutil `filter.go` (which directories
 * a walker must still enter). See docs: engine-api notes §7.
 */

export interface IgnorePattern {
  /** Cleaned, slash-separated pattern without the `!`, exactly what patternmatcher compiles. */
  pattern: string;
  /** A `!` line: re-includes what earlier lines excluded. */
  exclusion: boolean;
  /** 1-based line in the ignore file (comments and blank lines count), for error messages. */
  line: number;
  /** The line after `ReadAll`'s trimming and cleaning, `!` included: what Docker itself would print. */
  text: string;
}

/**
 * Per-pattern results for a directory, handed to its children (patternmatcher's `MatchInfo`).
 * The empty value means "no information", as for entries at the root.
 */
export interface MatchInfo {
  readonly parentMatched: readonly boolean[];
}

export const NO_MATCH_INFO: MatchInfo = { parentMatched: [] };

/** bufio.Scanner's default limit: Docker fails with "token too long" on longer lines. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Parses .dockerignore text like `ignorefile.ReadAll` followed by `patternmatcher.New`:
 * - the UTF-8 BOM is stripped from the first line only;
 * - a line is a comment only when its very first character is `#` (checked before trimming);
 * - lines are trimmed (Go's definition of space) and blank ones skipped;
 * - a leading `!` marks an exception and the rest is trimmed again;
 * - the pattern is `filepath.Clean`ed (`./a` → `a`, `a/` → `a`, `a/../b` → `b`) and one leading `/` removed,
 *   so `/foo`, `foo` and `foo/` are the same pattern: a trailing `/` does NOT mean "directories only".
 * `file` only names the source in errors.
 */
export function parseDockerignore(text: string, file?: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  // bufio.ScanLines: split on "\n" and drop one trailing "\r"; a final newline does not start another line.
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    let s = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (Buffer.byteLength(s) >= MAX_LINE_BYTES) {
      throw new UserError('line is too long (64 KiB at most)', { file, line }, 'Docker itself refuses this file');
    }
    if (index === 0 && s.startsWith('\uFEFF')) s = s.slice(1);
    if (s.startsWith('#')) return;
    const normalized = readAllLine(s);
    if (normalized === undefined) return;
    const parsed = normalizePattern(normalized, { file, line });
    if (parsed) out.push({ ...parsed, line, text: normalized });
  });
  return out;
}

/** One line as `ignorefile.ReadAll` returns it, or `undefined` for a blank line. */
function readAllLine(line: string): string | undefined {
  let p = goTrimSpace(line);
  if (p === '') return undefined;
  const invert = p.startsWith('!');
  if (invert) p = goTrimSpace(p.slice(1));
  if (p.length > 0) {
    p = goClean(p);
    // Patterns are relative to the context, so an absolute one loses its leading "/".
    if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
  }
  return invert ? '!' + p : p;
}

/**
 * What `patternmatcher.New` does to each string before compiling it: trim, clean (with the `!` still
 * attached, as moby does), split off the `!`. `undefined` for an empty pattern.
 */
function normalizePattern(
  input: string,
  where: { file?: string; line: number },
): { pattern: string; exclusion: boolean } | undefined {
  let p = goTrimSpace(input);
  if (p === '') return undefined;
  p = goClean(p);
  if (!p.startsWith('!')) return { pattern: p, exclusion: false };
  if (p.length === 1) {
    throw new UserError('illegal exclusion pattern: "!"', where, 'write the path to re-include after "!", e.g. "!docs/README.md"');
  }
  return { pattern: p.slice(1), exclusion: true };
}

interface CompiledRule extends IgnorePattern {
  compiled: CompiledPattern;
}

/**
 * Decides whether context paths are excluded. Paths are relative to the context root, slash-separated, and
 * patterns are anchored at that root: `foo` matches `foo` and everything below it, not `a/foo`.
 * The last matching pattern wins; a `!` pattern re-includes.
 */
export class IgnoreMatcher {
  private readonly rules: CompiledRule[];
  /** Some pattern is a `!` exception (patternmatcher `Exclusions()`). */
  readonly hasExceptions: boolean;
  /**
   * Some exception has a wildcard (`*?[]^\`) other than a trailing `/*` or `/**`. fsutil then has to enter every
   * excluded directory and test each file, because such an exception could re-include anything.
   */
  readonly hasWildcardExceptions: boolean;
  /** `pattern + "/"` for each exception, trailing glob removed: fsutil's cheap "could re-include below" test. */
  private readonly exceptionPrefixes: string[];

  /**
   * Compiles every pattern now, unlike Go, which compiles on first use; a bad pattern therefore fails before
   * anything is sent. Throws `UserError` naming `file:line` and the pattern.
   */
  constructor(patterns: readonly IgnorePattern[], file?: string) {
    this.rules = patterns.map((p) => ({ ...p, compiled: compileRule(p, file) }));
    const exceptions = this.rules.filter((r) => r.exclusion);
    this.hasExceptions = exceptions.length > 0;
    this.hasWildcardExceptions = exceptions.some((r) => /[*[\]?^\\]/.test(withoutTrailingGlob(r.pattern)));
    this.exceptionPrefixes = exceptions.map((r) => withoutTrailingGlob(r.pattern) + '/');
  }

  /** Like `patternmatcher.New(list)`: patterns given as strings (line numbers are 1-based list positions). */
  static fromStrings(list: readonly string[], file?: string): IgnoreMatcher {
    const patterns: IgnorePattern[] = [];
    list.forEach((text, index) => {
      const parsed = normalizePattern(text, { file, line: index + 1 });
      if (parsed) patterns.push({ ...parsed, line: index + 1, text });
    });
    return new IgnoreMatcher(patterns, file);
  }

  get patterns(): readonly IgnorePattern[] {
    return this.rules.map((r) => ({ pattern: r.pattern, exclusion: r.exclusion, line: r.line, text: r.text }));
  }

  /** How patternmatcher classified each pattern (exact / prefix / suffix / regexp); for tests and debugging. */
  matchTypes(): MatchType[] {
    return this.rules.map((r) => r.compiled.matchType);
  }

  /**
   * Port of the package-level `MatchesOrParentMatches(file, patterns)`: is `relPath` excluded because it or
   * any parent directory matches, after the last-match-wins rule? `.` (the root) is never excluded.
   */
  matches(relPath: string): boolean {
    const file = goClean(relPath);
    if (file === '.') return false;
    const parentPath = goDir(file);
    const parents = parentPath === '.' ? [] : parentPath.split('/');
    let matched = false;
    for (const rule of this.rules) {
      // An inclusion cannot change an already-excluded path, nor an exception a path that is not excluded.
      if (rule.exclusion !== matched) continue;
      let match = matchPattern(rule.pattern, rule.compiled, file);
      for (let i = 0; !match && i < parents.length; i++) {
        match = matchPattern(rule.pattern, rule.compiled, parents.slice(0, i + 1).join('/'));
      }
      if (match) matched = !rule.exclusion;
    }
    return matched;
  }

  /** Port of `MatchesExact`: like `matches` but without looking at parent directories. */
  matchesExact(relPath: string): boolean {
    let matched = false;
    for (const rule of this.rules) {
      if (rule.exclusion !== matched) continue;
      if (matchPattern(rule.pattern, rule.compiled, relPath)) matched = !rule.exclusion;
    }
    return matched;
  }

  /**
   * Port of `MatchesUsingParentResults`, the variant BuildKit's walker (fsutil) calls: the caller passes the
   * `info` returned for the parent directory instead of having every parent re-tested.
   *
   * It is not always equal to `matches`: a pattern skipped for the parent (an exception while the parent was
   * not excluded) is remembered as "did not match", and is then tested against the child alone. For example
   * with `*\/b` then `!a`, `a/b` is excluded here but not by `matches`. `docker build` (BuildKit) behaves like
   * this function, so the context walker uses it.
   */
  matchesUsingParentResults(relPath: string, parent: MatchInfo = NO_MATCH_INFO): { matched: boolean; info: MatchInfo } {
    const parentMatched = parent.parentMatched;
    if (parentMatched.length !== 0 && parentMatched.length !== this.rules.length) {
      throw new InternalError('MatchInfo comes from a different IgnoreMatcher');
    }
    const result: boolean[] = new Array<boolean>(this.rules.length).fill(false);
    let matched = false;
    this.rules.forEach((rule, i) => {
      let match = parentMatched.length !== 0 && parentMatched[i];
      if (!match) {
        if (rule.exclusion !== matched) return;
        match = matchPattern(rule.pattern, rule.compiled, relPath);
        // Without parent results, test the parents directly (as MatchesOrParentMatches does).
        if (!match && parentMatched.length === 0) {
          const parentPath = goDir(relPath);
          if (parentPath !== '.') {
            const dirs = parentPath.split('/');
            for (let j = 0; !match && j < dirs.length; j++) {
              match = matchPattern(rule.pattern, rule.compiled, dirs.slice(0, j + 1).join('/'));
            }
          }
        }
      }
      result[i] = match;
      if (match) matched = !rule.exclusion;
    });
    return { matched, info: { parentMatched: result } };
  }

  /**
   * fsutil's shortcut for an excluded directory: may some exception re-include something below `dirRelPath`?
   * With a wildcard exception the answer is always yes (every file must be tested). Otherwise only an
   * exception that literally starts with `dirRelPath/` counts, so `!**\/keep.txt` alone does not reach inside
   * excluded directories while `!dir/keep.txt` does.
   */
  mayReincludeBelow(dirRelPath: string): boolean {
    if (!this.hasExceptions) return false;
    if (this.hasWildcardExceptions) return true;
    const dirSlash = dirRelPath + '/';
    return this.exceptionPrefixes.some((prefix) => prefix.startsWith(dirSlash));
  }
}

function compileRule(p: IgnorePattern, file: string | undefined): CompiledPattern {
  const shown = p.exclusion ? `!${p.pattern}` : p.pattern;
  // In a pattern with a wildcard, "|", "{" and "}" are Go regexp syntax too (see pattern.ts).
  const hint = 'escape a literal "[", "]", "*", "?", "{", "|" or "\\" with a backslash';
  const syntax = globSyntaxError(p.pattern);
  if (syntax) throw new UserError(`invalid pattern "${shown}": ${syntax}`, { file, line: p.line }, hint);
  try {
    return compilePattern(p.pattern);
  } catch (e) {
    if (!(e instanceof GoRegexpError)) throw e;
    throw new UserError(`invalid pattern "${shown}": ${e.message}`, { file, line: p.line }, hint);
  }
}

/** fsutil `patternWithoutTrailingGlob`: `a/b/**` and `a/b/*` both become `a/b`. */
function withoutTrailingGlob(pattern: string): string {
  let p = pattern;
  if (p.endsWith('/**')) p = p.slice(0, -3);
  if (p.endsWith('/*')) p = p.slice(0, -2);
  return p;
}
