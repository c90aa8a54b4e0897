import fc from 'fast-check';
import { IgnoreMatcher, parseDockerignore } from '../../../src/context/dockerignore';
import { expectNoInternalError, isExpectedFailure } from '../../support/no-internal-error';
import { propertyOptions } from '../../support/property-options';

// Characters that mean something to patternmatcher, filepath.Match or Go's regexp, plus a few that do not.
const GLOB_CHARS = [
  '*', '?', '[', ']', '^', '-', '\\', '!', '/', '.', '{', '}', '|', ',', '(', ')', '+', '$', ':', '#',
  'a', 'b', 'z', 'A', '0', '1', '9', 'p', 'P', 'Q', 'E', 'x', 'd', 's', 'w', 'q', 'C', 'L',
  ' ', '\t', '\r', '\0', '\u00e9', '\u00a0', '\u0085', '\ufeff', '\u{1f600}',
];
const globLine = fc.string({ unit: fc.constantFrom(...GLOB_CHARS), maxLength: 24 });
const anyLine = fc.oneof(globLine, fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }));

/** A .dockerignore as Docker reads it: arbitrary bytes, decoded as UTF-8 (ignore-file.ts), or arbitrary lines. */
const ignoreText = fc.oneof(
  fc.array(anyLine, { maxLength: 8 }).chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol))),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
);

const segment = fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '[', '{', '|', '\\', ' ', '\u00e9', '\n', '\u{1f600}'), minLength: 1, maxLength: 5 });
const relPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

describe('.dockerignore: no input is an internal error', () => {
  it('every file either loads or fails with a user error naming the file and line; loaded matchers never throw', async () => {
    await fc.assert(
      fc.asyncProperty(ignoreText, fc.array(relPath, { maxLength: 6 }), async (text, paths) => {
        let matcher: IgnoreMatcher | undefined;
        try {
          matcher = new IgnoreMatcher(parseDockerignore(text, '.dockerignore'), '.dockerignore');
        } catch (e) {
          if (!isExpectedFailure(e)) throw e;
          expect((e as Error).message.length).toBeGreaterThan(0);
          return;
        }
        await expectNoInternalError(() => {
          for (const p of paths) {
            matcher!.matches(p);
            matcher!.matchesExact(p);
            let info = undefined;
            const parts = p.split('/');
            for (let i = 1; i <= parts.length; i++) info = matcher!.matchesUsingParentResults(parts.slice(0, i).join('/'), info).info;
            matcher!.mayReincludeBelow(p);
          }
        });
        // Loading succeeded, so matching must not fail at all (not even with a user error).
        for (const p of paths) expect(typeof matcher.matches(p)).toBe('boolean');
      }),
      propertyOptions(),
    );
  });

  it('patterns given as strings (patternmatcher.New) behave the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyLine, { maxLength: 6 }), relPath, async (list, p) => {
        await expectNoInternalError(() => IgnoreMatcher.fromStrings(list, '.dockerignore').matches(p));
      }),
      propertyOptions(),
    );
  });
});
