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

  it('supports alternation, with the anchors binding to the first and last alternative only', () => {
    expect(full('^a|b$', 'a-anything')).toBe(true);
    expect(full('^a|b$', 'anything-b')).toBe(true);
    expect(full('^a|b$', 'xa')).toBe(false);
    expect(full('^a||b$', 'x')).toBe(true); // an empty alternative matches everywhere
  });

  it.each([
    ['^ab{2}$', 'abb', true],
    ['^ab{2}$', 'abbb', false],
    ['^ab{2,}$', 'abbbbb', true],
    ['^ab{2,3}$', 'abbbb', false],
    ['^ab{0}$', 'a', true],
    ['^ab{2}?$', 'abb', true], // non-greedy
    ['^[^/]{2}$', 'xy', true],
    ['^(a)?b{2}$', 'bb', true],
    ['^{2}a$', 'a', true], // a repeat of "^" is legal in Go
    ['^a\\Qb\\E{2}$', 'abb', true], // \Q…\E gives one item per rune
    ['^a*\\Q\\E{2}$', 'aaa', true], // an empty \Q\E ends the "nested repeat" check: a repeat of a repeat
  ])('reads a counted repeat in %j (on %j → %s)', (re, s, expected) => {
    expect(full(re, s)).toBe(expected);
  });

  it.each([
    ['^a{$', 'a{'],
    ['^a{x}$', 'a{x}'],
    ['^a{,2}$', 'a{,2}'],
    ['^a{1,2$', 'a{1,2'],
    ['^a{01}$', 'a{01}'], // Go refuses leading zeros and reads text
    ['^a}$', 'a}'],
    ['^{}$', '{}'],
  ])('reads a "{" that is not a repeat as a literal: %j matches %j', (re, s) => {
    expect(full(re, s)).toBe(true);
  });

  it.each([
    ['^a{1001}', /invalid repeat count/],
    ['^a{2,1}', /invalid repeat count/],
    ['^a{100000000}', /invalid repeat count/],
    ['^a{1,100000000}', /invalid repeat count/],
    ['^a{100}\\Q\\E{100}', /invalid repeat count/], // nested counts multiply beyond 1000
    ['^a*{2}', /invalid nested repetition/],
    ['^a{2}{3}', /invalid nested repetition/],
    ['^a{2}*', /invalid nested repetition/],
    ['^(.*/)?{2}', /invalid nested repetition/],
    ['^|{2}', /missing argument/],
    ['^(|{2})', /missing argument/],
    ['^' + 'a{1000}'.repeat(3400), /expression too large/],
    ['^a' + '\\Q\\E{1}'.repeat(1000), /nests too deeply/],
  ])('rejects %j as Go does', (re, reason) => {
    expect(() => compileGoRegexp(re)).toThrow(reason);
  });

  it('accepts large expressions just under Go\'s size limit', () => {
    expect(() => compileGoRegexp('^' + 'a{1000}'.repeat(3300))).not.toThrow();
    expect(() => compileGoRegexp('^a' + '\\Q\\E{1}'.repeat(998))).not.toThrow();
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
