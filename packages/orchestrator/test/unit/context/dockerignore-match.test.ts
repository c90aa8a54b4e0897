import { IgnoreMatcher, parseDockerignore } from '../../../src/context/dockerignore';
import { UserError } from '../../../src/errors/user-error';

/** A matcher built the way `docker build` builds it: from .dockerignore text. */
const fromText = (text: string) => new IgnoreMatcher(parseDockerignore(text), '.dockerignore');
const excluded = (text: string, path: string) => fromText(text).matches(path);

describe('IgnoreMatcher: Docker documentation examples', () => {
  it.each([
    ['*/temp*', 'somedir/temporary.txt', true],
    ['*/temp*', 'somedir/temp', true],
    ['*/temp*', 'temp', false],
    ['*/temp*', 'a/b/temp', false],
    ['*/*/temp*', 'somedir/subdir/temporary.txt', true],
    ['temp?', 'tempa', true],
    ['temp?', 'temp', false],
    ['**/*.go', 'main.go', true],
    ['**/*.go', 'pkg/x/y.go', true],
    ['**/*.go', 'pkg/x/y.gox', false],
  ])('%j on %j → %s', (pattern, path, expected) => {
    expect(excluded(pattern, path)).toBe(expected);
  });

  it('re-includes with "!" and the last matching line wins', () => {
    expect(excluded('*.md\n!README.md', 'README.md')).toBe(false);
    expect(excluded('*.md\n!README.md', 'CHANGES.md')).toBe(true);
    expect(excluded('*.md\n!README*.md\nREADME-secret.md', 'README-secret.md')).toBe(true);
    expect(excluded('*.md\n!README*.md\nREADME-secret.md', 'README-public.md')).toBe(false);
    expect(excluded('*.md\nREADME-secret.md\n!README*.md', 'README-secret.md')).toBe(false);
    expect(excluded('a\n!a\na', 'a')).toBe(true);
  });

  it('ignores an exception that comes before the pattern it would undo', () => {
    expect(excluded('!fileutils.go\n*.go', 'fileutils.go')).toBe(true);
    expect(excluded('*.go\n!fileutils.go', 'fileutils.go')).toBe(false);
  });
});

describe('IgnoreMatcher: anchoring, parents, slashes', () => {
  it('anchors patterns at the context root', () => {
    expect(excluded('foo', 'foo')).toBe(true);
    expect(excluded('foo', 'a/foo')).toBe(false);
    expect(excluded('**/foo', 'a/foo')).toBe(true);
  });

  it('excludes everything below a matching directory (MatchesOrParentMatches)', () => {
    expect(excluded('a', 'a/b/c')).toBe(true);
    expect(excluded('a/b', 'a/b/c/d.txt')).toBe(true);
    expect(excluded('a*', 'ab/c')).toBe(true);
    expect(excluded('a/*', 'a/b/c')).toBe(true);
    expect(excluded('a*/b', 'a/c/b')).toBe(false);
  });

  it('treats a trailing "/" as nothing: "foo/" also matches a file named foo', () => {
    expect(excluded('foo/', 'foo')).toBe(true);
    expect(excluded('foo/', 'foo/bar')).toBe(true);
  });

  it('removes one leading "/" and cleans "./" and ".."', () => {
    expect(excluded('/foo', 'foo')).toBe(true);
    expect(excluded('./foo', 'foo')).toBe(true);
    expect(excluded('x/../foo', 'foo')).toBe(true);
    expect(excluded('x/../foo', 'x/foo')).toBe(false);
  });

  it('accepts paths with "./" or a trailing "/" and never excludes the root itself', () => {
    expect(excluded('foo', './foo/')).toBe(true);
    expect(excluded('**', '.')).toBe(false);
  });

  it('matches nested exceptions under an excluded folder', () => {
    expect(excluded('docs\n!docs/README.md', 'docs/README.md')).toBe(false);
    expect(excluded('docs/\n!docs/README.md', 'docs/README.md')).toBe(false);
    expect(excluded('docs/*\n!docs/README.md', 'docs/README.md')).toBe(false);
    expect(excluded('docs\n!docs/README.md', 'docs/other.md')).toBe(true);
  });
});

describe('IgnoreMatcher: wildcards', () => {
  it.each([
    // moby/patternmatcher TestMatches: [pattern, path, MatchesExact, MatchesOrParentMatches]
    ['**', 'file', true, true],
    ['**', 'dir/file', true, true],
    ['**/', 'dir/file', true, true],
    ['**/**', 'dir/file', true, true],
    ['dir/**', 'dir/file', true, true],
    ['dir/**', 'dir/dir2/file', true, true],
    ['**/dir', 'dir', true, true],
    ['**/dir', 'dir/file', false, true],
    ['**/dir2/*', 'dir/dir2/file', true, true],
    ['**/dir2/**', 'dir/dir2/dir3/file', true, true],
    ['**file', 'file', true, true],
    ['**file', 'dir/dir/file', true, true],
    ['**/file*.txt', 'dir/dir/file.txt', true, true],
    ['**/**/*.txt2', 'dir/dir/file.txt', false, false],
    ['**/*.txt', 'file.txt', true, true],
    ['**/**/*.txt', 'file.txt', true, true],
    ['a**/*.txt', 'a/file.txt', true, true],
    ['a**/*.txt', 'a/dir/dir/file.txt', true, true],
    ['a/*.txt', 'a/dir/file.txt', false, false],
    ['a/*.txt**', 'a/file.txt', true, true],
    ['**/foo/bar', 'foo/bar', true, true],
    ['**/foo/bar', 'dir/dir2/foo/bar', true, true],
    ['abc/**', 'abc', false, false],
    ['abc/**', 'abc/def/ghi', true, true],
    ['a/**/b', 'a/b', true, true],
    ['a/**/b', 'a/x/y/b', true, true],
    ['**/.foo', '.foo', true, true],
    ['**/.foo', 'bar.foo', false, false],
    ['.*', '.foo', true, true],
    ['.*', 'foo', false, false],
  ])('%j on %j (exact %s, with parents %s)', (pattern, path, exact, withParents) => {
    const m = IgnoreMatcher.fromStrings([pattern]);
    expect(m.matchesExact(path)).toBe(exact);
    expect(m.matches(path)).toBe(withParents);
  });

  it('never lets "*" or "?" cross a "/"', () => {
    expect(excluded('a*b', 'a/b')).toBe(false);
    expect(excluded('a?b', 'a/b')).toBe(false);
    expect(excluded('a*/b', 'abc/b')).toBe(true);
    expect(excluded('a*b*c*d*e*/f', 'axbxcxdxe/xxx/f')).toBe(false);
  });

  it('lets "?" match exactly one character, including a non-BMP one', () => {
    expect(excluded('abc?def', 'abcZdef')).toBe(true);
    expect(excluded('abc?def', 'abcdef')).toBe(false);
    expect(excluded('a?b', 'a☺b')).toBe(true);
    expect(excluded('a?b', 'a😀b')).toBe(true);
    expect(excluded('a???b', 'a☺b')).toBe(false);
  });

  it('keeps Go regexp semantics: "**" does not cross a newline in a name', () => {
    expect(excluded('a/**/b', 'a/x\ny/b')).toBe(false);
    expect(excluded('a/*', 'a/x\ny')).toBe(true);
  });
});

describe('IgnoreMatcher: classes and escapes', () => {
  it.each([
    ['a[b-d]e', 'ace', true],
    ['a[b-d]e', 'ae', false],
    ['a[b-d]e', 'aae', false],
    ['a[^b-d]e', 'aze', true],
    ['ab[^c]', 'abc', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a[^a]b', 'a☺b', true],
    ['[\\]a]', ']', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    // "!" inside a class is a literal, not a negation (unlike shells and gitignore).
    ['[!a].txt', '!.txt', true],
    ['[!a].txt', 'a.txt', true],
    ['[!a].txt', 'b.txt', false],
    // POSIX classes come from Go's regexp package.
    ['v[[:digit:]].txt', 'v7.txt', true],
    ['v[[:digit:]].txt', 'vx.txt', false],
    ['[[:^alpha:]]', '7', true],
  ])('%j on %j → %s', (pattern, path, expected) => {
    expect(IgnoreMatcher.fromStrings([pattern]).matches(path)).toBe(expected);
  });

  it('uses "\\" to escape the next character', () => {
    expect(excluded('a\\*b', 'a*b')).toBe(true);
    expect(excluded('a\\*b', 'axb')).toBe(false);
    expect(excluded('a\\?', 'a?')).toBe(true);
    expect(excluded('a\\?', 'ab')).toBe(false);
    expect(excluded('a\\\\', 'a\\')).toBe(true);
    expect(excluded('\\[x]', '[x]')).toBe(true);
  });

  it('passes escapes to Go regexp: "\\d" is a digit class, "\\s" is ASCII only', () => {
    expect(excluded('file\\d.txt', 'file1.txt')).toBe(true);
    expect(excluded('file\\d.txt', 'filed.txt')).toBe(false);
    expect(excluded('a[\\s]b', 'a b')).toBe(true);
    expect(excluded('a[\\s]b', 'a\u00a0b')).toBe(false);
  });
});

describe('IgnoreMatcher: regexp metacharacters in patterns without a wildcard are literal (compared as text)', () => {
  it.each([
    ['c++', 'c++', true],
    ['c++', 'cc', false],
    ['file(1).txt', 'file(1).txt', true],
    ['file(1).txt', 'file1.txt', false],
    ['a|b', 'a|b', true],
    ['a|b', 'a', false],
    ['$HOME', '$HOME', true],
    ['{a,b}.txt', '{a,b}.txt', true],
    ['{a,b}.txt', 'a.txt', false],
    ['abc.def', 'abcZdef', false],
    ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
    ['*.c++', 'src.c++', true],
    ['*.c++', 'src.cc', false],
  ])('%j on %j → %s', (pattern, path, expected) => {
    expect(IgnoreMatcher.fromStrings([pattern]).matches(path)).toBe(expected);
  });
});

describe('IgnoreMatcher: "|", "{" and "}" reach Go regexp unescaped (patternmatcher\'s escape bitmap drops them)', () => {
  // Checked against `docker build` on the real engine by test/engine/dockerignore-agreement.test.ts.
  it.each([
    // "^[^/]*\.txt|[^/]*\.md$": the first alternative is anchored at the start only, the second at the end only.
    ['*.txt|*.md', 'a.txt', true],
    ['*.txt|*.md', 'b.md', true],
    ['*.txt|*.md', 'c.txt2', true],
    ['*.txt|*.md', 'd/e.md', true],
    ['*.txt|*.md', 'd/a.txt', false],
    ['*.txt|*.md', 'a.rs', false],
    // A counted repeat applies to the item before it.
    ['a?{2}', 'abc', true],
    ['a?{2}', 'ab', false],
    ['x{2}*', 'xx', true],
    ['x{2}*', 'xxyz', true],
    ['x{2}*', 'x', false],
    ['x{2}*', 'x{2}', false],
    ['x{1,2}?', 'xxy', true],
    ['x{1,2}?', 'xxxy', false],
    // A "{" that does not start {n}, {n,} or {n,m} is a literal, and so is every "}".
    ['{a,b}*', '{a,b}.txt', true],
    ['{a,b}*', 'a.txt', false],
    ['*}', 'x}', true],
    // An empty alternative matches every path.
    ['|*', 'anything/at/all', true],
    ['*|', 'anything/at/all', true],
    // "\|" and "\{" are escaped by the user: literal again.
    ['a\\|b*', 'a|bc', true],
    ['a\\|b*', 'a', false],
    ['a\\{2}*', 'a{2}', true],
    ['a\\{2}*', 'aa', false],
  ])('%j on %j → %s', (pattern, path, expected) => {
    expect(IgnoreMatcher.fromStrings([pattern]).matchTypes()).toEqual(['regexp']);
    expect(IgnoreMatcher.fromStrings([pattern]).matches(path)).toBe(expected);
  });

  it('leaves them literal when the pattern is not a regexp (exact, "dir/**" prefix, "**/x" suffix)', () => {
    expect(IgnoreMatcher.fromStrings(['a|b']).matches('a|b')).toBe(true);
    expect(IgnoreMatcher.fromStrings(['ab{2}']).matches('abb')).toBe(false);
    expect(IgnoreMatcher.fromStrings(['a|b/**']).matches('a|b/c')).toBe(true);
    expect(IgnoreMatcher.fromStrings(['**/a|b']).matches('x/a|b')).toBe(true);
    expect(IgnoreMatcher.fromStrings(['**/a|b']).matches('x/a')).toBe(false);
  });
});

describe('IgnoreMatcher: moby multi-pattern cases', () => {
  it.each([
    [['**', '!util/docker/web'], 'util/docker/web/foo', false],
    [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
    [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
    [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  ])('%j on %j → %s', (list, path, expected) => {
    const m = IgnoreMatcher.fromStrings(list);
    expect(m.matches(path)).toBe(expected);
    // Walking down with parent results gives the same answer for these.
    const parts = path.split('/');
    let info = undefined;
    let result = false;
    for (let i = 1; i <= parts.length; i++) {
      ({ matched: result, info } = m.matchesUsingParentResults(parts.slice(0, i).join('/'), info));
    }
    expect(result).toBe(expected);
  });

  it('matchesUsingParentResults differs from matches where fsutil does ("*/b" then "!a")', () => {
    const m = IgnoreMatcher.fromStrings(['*/b', '!a']);
    expect(m.matches('a/b')).toBe(false);
    const parent = m.matchesUsingParentResults('a');
    expect(m.matchesUsingParentResults('a/b', parent.info).matched).toBe(true);
    // Without parent information it falls back to testing the parents, like matches().
    expect(m.matchesUsingParentResults('a/b').matched).toBe(false);
  });

  it('has no effect with no patterns', () => {
    const m = IgnoreMatcher.fromStrings([]);
    expect(m.matches('any/path/there')).toBe(false);
    expect(m.hasExceptions).toBe(false);
  });
});

describe('IgnoreMatcher: compiled forms (moby TestCompile)', () => {
  it.each([
    ['*', 'regexp'],
    ['**', 'suffix'],
    ['**/**', 'regexp'],
    ['dir/**', 'prefix'],
    ['**/dir', 'suffix'],
    ['**file', 'suffix'],
    ['**/dir2/*', 'regexp'],
    ['a[b-d]e', 'regexp'],
    ['abc.def', 'exact'],
    ['abc?def', 'regexp'],
    ['**/foo/bar', 'suffix'],
    ['a(b)c/def', 'exact'],
    ['a.|)$(}+{bc', 'exact'],
  ])('%j compiles to a %s match', (pattern, type) => {
    expect(IgnoreMatcher.fromStrings([pattern]).matchTypes()).toEqual([type]);
  });
});

describe('IgnoreMatcher: exceptions seen by the walker', () => {
  it.each([
    ['!docs/README.md', false],
    ['!docs/*', false],
    ['!docs/**', false],
    ['!**/keep.txt', true],
    ['!docs/*.md', true],
    ['!a?', true],
    ['!a[b]', true],
    ['!a^b', true],
    ['!a\\b', true],
  ])('%j has a wildcard exception: %s', (line, wildcard) => {
    expect(fromText(`docs\n${line}`).hasWildcardExceptions).toBe(wildcard);
  });

  it('enters an excluded directory only for an exception starting with it, unless wildcards', () => {
    const literal = fromText('a\nb\n!a/b/keep.txt');
    expect(literal.mayReincludeBelow('a')).toBe(true);
    expect(literal.mayReincludeBelow('a/b')).toBe(true);
    expect(literal.mayReincludeBelow('a/c')).toBe(false);
    expect(literal.mayReincludeBelow('b')).toBe(false);
    expect(fromText('a').mayReincludeBelow('a')).toBe(false);
    expect(fromText('a\n!**/keep.txt').mayReincludeBelow('a')).toBe(true);
  });
});

describe('IgnoreMatcher: invalid patterns', () => {
  const failure = (text: string): UserError => {
    try {
      fromText(text);
    } catch (e) {
      return e as UserError;
    }
    throw new Error(`no error for ${JSON.stringify(text)}`);
  };

  it.each([
    ['[', /unterminated character class/],
    ['a[', /unterminated character class/],
    ['[^bc', /unterminated character class/],
    ['[]a]', /cannot start a range/],
    ['[-]', /cannot start a range/],
    ['[x-]', /cannot start a range/],
    ['[a-b-c]', /cannot start a range/],
    ['\\', /trailing/],
    // Accepted by filepath.Match, refused by Go's regexp.Compile (moby/moby#52203 has "[Local-Only]/").
    ['[Local-Only]/', /invalid character class range: `l-O`/],
    ['[z-a]', /invalid character class range/],
    ['a\\qb', /invalid escape sequence/],
    ['[[:nope:]]', /invalid character class range/],
    // "|{}" are Go regexp syntax once the pattern has a wildcard (see above), so Go's repeat rules apply.
    ['*{2}', /invalid nested repetition operator/],
    ['a?{1001}', /invalid repeat count/],
    ['a?{3,2}', /invalid repeat count/],
    ['*|{2}', /missing argument to repetition operator/],
    ['a/**/{2}x', /invalid nested repetition operator/], // "(.*/)?{2}"
  ])('rejects %j', (pattern, reason) => {
    const e = failure(`ok\n\n${pattern}`);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(reason);
    expect(e.message).toContain(`"${pattern.replace(/\/$/, '')}"`);
    expect(e.location).toEqual({ file: '.dockerignore', line: 3 });
  });

  it('names exceptions with their "!"', () => {
    expect(failure('!a[').message).toContain('"!a["');
  });
});
