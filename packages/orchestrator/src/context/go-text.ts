/**
 * Go standard-library string and path helpers that .dockerignore handling depends on.
 *
 * moby/patternmatcher and `ignorefile.ReadAll` are written against Go's `strings.TrimSpace`,
 * `path/filepath.Clean` and `filepath.Dir`. Their JavaScript look-alikes differ in small ways that change which
 * files are sent (JS `trim()` also strips U+FEFF but not U+0085; `path.posix.normalize` keeps a trailing `/` and
 * `..` above a root), so they are ported here instead of approximated.
 */

/** The runes `unicode.IsSpace` accepts: Latin-1 spaces plus the Unicode White_Space property. */
const GO_SPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Go `strings.TrimSpace`: strips leading and trailing runes for which `unicode.IsSpace` is true. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  // All Go space runes are in the BMP, so one UTF-16 unit is one rune here.
  while (start < end && GO_SPACE.has(s.charCodeAt(start))) start++;
  while (end > start && GO_SPACE.has(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Go `filepath.Clean` on Unix: the shortest equivalent path, purely lexically.
 * Empty → `.`; repeated `/` collapse; `.` elements go; `x/..` pairs cancel; `..` at a root is dropped but kept at
 * the start of a relative path; no trailing `/` except for the root itself.
 */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = (rooted ? '/' : '') + out.join('/');
  return joined === '' ? '.' : joined;
}

/** Go `filepath.Dir` on Unix: everything up to the last `/`, cleaned; `.` when there is no `/`. */
export function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf('/') + 1));
}
