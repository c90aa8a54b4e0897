import { compileGoRegexp, GoRegexpError } from '../../../src/context/go-regexp';

// The subset of Go RE2 syntax moby/patternmatcher can hand to regexp.Compile.
const full = (re: string, s: string) => compileGoRegexp(re).test(s);

describe('compileGoRegexp', () => {
  it('treats "." as anything but a newline, like Go without the s flag', () => {
    expect(full('^a.b$', 'a\rb')).toBe(true);
    expect(full('^a.b$', 'a\u2028b')).toBe(true);
    expect(full('^a.b$', 'a\nb')).toBe(false);
  });

  it('accepts a repeat at the very end', () => {
    expect(full('^ab*', 'abbb')).toBe(true);
    expect(full('^(a/)?b', 'a/b')).toBe(true);
  });

  it('matches runes, not UTF-16 units', () => {
    expect(full('^[^/]$', '😀')).toBe(true);
  });

  it('supports \\Q...\\E quoting, up to the end when \\E is missing', () => {
    expect(full('^\\Qa[b]*\\E$', 'a[b]*')).toBe(true);
    expect(full('^\\Qa*$', 'a*$')).toBe(true);
  });

  it('supports octal, hex and C escapes', () => {
    expect(full('^\\101\\x42\\x{43}\\t$', 'ABC\t')).toBe(true);
    expect(full('^\\0$', '\0')).toBe(true);
  });

  it('supports Unicode classes by category and script', () => {
    expect(full('^\\pL$', 'é')).toBe(true);
    expect(full('^\\p{Greek}$', 'λ')).toBe(true);
    expect(full('^\\P{Greek}$', 'λ')).toBe(false);
    expect(full('^[\\p{^Greek}]$', 'a')).toBe(true);
    expect(full('^\\p{Any}$', '\n')).toBe(true);
  });

  it('keeps Perl and POSIX classes ASCII-only', () => {
    expect(full('^\\w$', 'é')).toBe(false);
    expect(full('^\\W$', 'é')).toBe(true);
    expect(full('^[[:space:]]$', '\u000b')).toBe(true);
    expect(full('^\\s$', '\u000b')).toBe(false);
  });

  it('reads "[" inside a class as a literal, like patternmatcher output "[a[^/]*]"', () => {
    // From the pattern "[a*]": class {a,[,^,/}, then "*", then a literal "]".
    expect(full('^[a[^/]*]$', 'a[]')).toBe(true);
    expect(full('^[a[^/]*]$', 'b]')).toBe(false);
  });

  it.each([
    ['\\C', /invalid escape/],
    ['\\1', /invalid escape/],
    ['\\é', /invalid escape/],
    ['\\x{110000}', /invalid escape/],
    ['[b', /missing closing \]/],
    ['a)', /unexpected \)/],
    ['(a', /missing closing \)/],
    ['*a', /missing argument/],
    ['a**', /invalid nested repetition/],
    ['\\p{Nope}', /invalid character class range/],
    ['[\\b]', /invalid escape/],
  ])('rejects %j as Go does', (re, reason) => {
    expect(() => compileGoRegexp(re)).toThrow(GoRegexpError);
    expect(() => compileGoRegexp(re)).toThrow(reason);
  });
});
