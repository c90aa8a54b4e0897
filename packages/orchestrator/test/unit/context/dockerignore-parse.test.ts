import { parseDockerignore } from '../../../src/context/dockerignore';
import { UserError } from '../../../src/errors/user-error';

// Mirrors moby/patternmatcher `ignorefile.ReadAll` followed by `patternmatcher.New`.
const patterns = (text: string) => parseDockerignore(text).map((p) => (p.exclusion ? '!' : '') + p.pattern);

describe('parseDockerignore', () => {
  it('skips blank lines and trims surrounding whitespace', () => {
    expect(patterns('\n  foo  \n\t\n bar\t\n')).toEqual(['foo', 'bar']);
  });

  it('treats "#" as a comment only when it is the very first character', () => {
    expect(patterns('# comment\n #not-a-comment\nfoo#bar')).toEqual(['#not-a-comment', 'foo#bar']);
  });

  it('strips a UTF-8 BOM from the first line only', () => {
    expect(patterns('\uFEFF# comment\nfoo')).toEqual(['foo']);
    expect(patterns('\uFEFFfoo')).toEqual(['foo']);
    // Go's TrimSpace does not treat U+FEFF as space (JS trim() would).
    expect(patterns('foo\n\uFEFFbar')).toEqual(['foo', '\uFEFFbar']);
  });

  it("trims with Go's definition of space (U+0085 and U+00A0 yes)", () => {
    expect(patterns('\u00a0foo\u0085\n\u3000bar\u2029')).toEqual(['foo', 'bar']);
  });

  it('handles CRLF line endings', () => {
    expect(patterns('foo\r\n!bar\r\n')).toEqual(['foo', '!bar']);
  });

  it('marks "!" lines as exceptions and trims after the "!"', () => {
    const [p] = parseDockerignore('!   docs/README.md  ');
    expect(p).toMatchObject({ pattern: 'docs/README.md', exclusion: true, text: '!docs/README.md' });
  });

  it.each([
    ['./a', 'a'],
    ['a/', 'a'],
    ['a/../b', 'b'],
    ['a//b/./c/', 'a/b/c'],
    ['/foo', 'foo'],
    ['//foo', 'foo'],
    ['/foo/', 'foo'],
    ['../x', '../x'],
    ['/../x', 'x'],
    ['!./a/../b/', '!b'],
    ['!/foo', '!foo'],
    // Cleaned first, then trimmed again by patternmatcher.New.
    ['a /', 'a'],
  ])('cleans %j to %j', (line, expected) => {
    expect(patterns(line)).toEqual([expected]);
  });

  it('keeps the 1-based source line of every pattern (comments and blanks counted)', () => {
    const parsed = parseDockerignore('# c\n\nfoo\n  \n!bar\n');
    expect(parsed.map((p) => p.line)).toEqual([3, 5]);
  });

  it('rejects a lone "!" naming file and line', () => {
    expect(() => parseDockerignore('foo\n  !  \n', '/ctx/.dockerignore')).toThrow(UserError);
    try {
      parseDockerignore('foo\n!\n', '/ctx/.dockerignore');
    } catch (e) {
      expect((e as UserError).location).toEqual({ file: '/ctx/.dockerignore', line: 2 });
      expect((e as UserError).format()).toMatch(/^\/ctx\/\.dockerignore:2: illegal exclusion pattern/);
    }
  });

  it('rejects "!/" too: moby cleans "!/" to "!"', () => {
    expect(() => parseDockerignore('!/')).toThrow(/illegal exclusion pattern/);
  });

  it('rejects lines longer than bufio.Scanner accepts', () => {
    expect(() => parseDockerignore('x'.repeat(70_000))).toThrow(/too long/);
  });
});
