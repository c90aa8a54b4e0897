import { FragmentsError } from '../errors/fragments-error';
/**
 * Compiles the Go (RE2) regexp text that moby/patternmatcher generates into an equivalent JavaScript RegExp.
 *
 * patternmatcher turns a .dockerignore pattern into a Go regexp and hands `[...]`, `]`, `^` and every `\x`
 * escape straight to Go's `regexp.Compile` (flags `syntax.Perl`). Copying that text into `new RegExp` would be
 * wrong in several places: Go's `\s`/`\w` are ASCII-only, `[[:alpha:]]` is a POSIX class, `\Q…\E` quotes, `\q`
 * and `[z-a]` are errors, `.` only excludes `\n`, and JS without the `u` flag counts UTF-16 units, not runes.
 * So the text is parsed with RE2's rules (go/src/regexp/syntax/parse.go: `parse`, `parseClass`, `parseEscape`,
 * `parseNamedClass`, `parseUnicodeClass`, `parsePerlClassEscape`) and re-emitted as an explicit `u`-flag RegExp.
 *
 * Only the constructs patternmatcher can emit are supported: literals, escapes, classes, `.`, `^`, `$`, plain
 * groups, alternation, the `* + ?` repeats and counted `{n}`, `{n,}`, `{n,m}` repeats (a `{` of any other form is
 * a literal, as in Go). patternmatcher escapes `.+()$` but not `|{}` (its escape bitmap cannot hold characters
 * above 63), so user text does bring alternation and counted repeats here; `(` never comes from the user, so
 * `(?flags)` never occurs and a `(?` is rejected rather than guessed at. Go's limits are checked too: counts up to
 * 1000 (also as a product of nested counts), the size of the compiled program and the depth of the parse tree.
 */

/** A pattern Go's regexp package refuses: the user's pattern (dockerignore turns it into a UserError naming file:line). */
export class GoRegexpError extends FragmentsError {
  constructor(message: string) {
    super('user', message);
  }
}

type Range = [number, number];

const MAX_RUNE = 0x10ffff;

/** Go's Perl classes (`perl_groups.go`): ASCII only, unlike JavaScript's `\s`. */
const PERL_CLASSES: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

/** Go's POSIX classes (`perl_groups.go`), usable as `[[:name:]]` or negated `[[:^name:]]`. */
const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** Parses Go regexp text and returns the equivalent JavaScript RegExp; throws `GoRegexpError` where Go would. */
export function compileGoRegexp(source: string): RegExp {
  return new RegExp(new GoRegexpTranslator(source).translate(), 'u');
}

/**
 * One parsed item of a concatenation, kept as a tree node because Go checks repeats against what they apply to:
 * `text` is the JS regexp for exactly this item (a repeat wraps it in `(?:…)`, so JS never sees a nested
 * quantifier), `size` and `height` follow Go's `calcSize` / `calcHeight`, and `subs`/`min`/`max` feed
 * `repeatIsValid`.
 */
interface Item {
  text: string;
  size: number;
  height: number;
  /** Set on `{n,m}` repeats only (Go `OpRepeat`); `max` is -1 for `{n,}`. */
  counted?: { min: number; max: number };
  subs: Item[];
}

/** Go `maxRepeat`: the largest count in `{n,m}`, and the largest product of nested counted repeats. */
const MAX_REPEAT = 1000;
/** Go `maxSize` (128 MiB of 40-byte instructions): larger expressions fail with "expression too large". */
const MAX_SIZE = Math.floor((128 << 20) / 40);
/** Go `maxHeight`: deeper parse trees fail with "expression nests too deeply". */
const MAX_HEIGHT = 1000;

/** A group being parsed: its finished alternatives and the concatenation in progress. */
interface Frame {
  alternatives: Item[][];
  current: Item[];
}

class GoRegexpTranslator {
  private pos = 0;

  constructor(private readonly src: string) {}

  translate(): string {
    const frames: Frame[] = [{ alternatives: [], current: [] }];
    const top = () => frames[frames.length - 1];
    // Go (Perl mode) rejects a repeat that directly follows another one: `a**`, `a*{2}`, `a{2}{3}`.
    let lastWasRepeat = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      let isRepeat = false;
      switch (c) {
        case '(':
          if (this.src[this.pos + 1] === '?') this.fail('group flags and named groups are not supported', '(?');
          this.pos++;
          frames.push({ alternatives: [], current: [] });
          break;
        case ')': {
          if (frames.length === 1) this.fail('unexpected )', this.src);
          this.pos++;
          const inner = alternation(frames.pop()!);
          // Go groups capture: OpCapture costs 2 instructions.
          top().current.push({ text: `(?:${inner.text})`, size: 2 + inner.size, height: 1 + inner.height, subs: [inner] });
          break;
        }
        case '|':
          this.pos++;
          top().alternatives.push(top().current);
          top().current = [];
          break;
        case '*':
        case '+':
        case '?':
          this.pos++;
          this.repeat(top().current, c, undefined, lastWasRepeat);
          isRepeat = true;
          break;
        case '{': {
          const counted = this.parseRepeat();
          if (!counted) {
            // Not `{n}`, `{n,}` or `{n,m}`: Go reads the "{" as a literal.
            this.pos++;
            top().current.push(atom(literal(0x7b)));
            break;
          }
          this.repeat(top().current, counted.text, counted, lastWasRepeat);
          isRepeat = true;
          break;
        }
        case '[':
          top().current.push(atom(this.parseClass()));
          break;
        case '.':
          // Without the `s` flag Go's `.` excludes only "\n"; JS's would also exclude "\r", U+2028 and U+2029.
          this.pos++;
          top().current.push(atom('[^\\n]'));
          break;
        case '^':
        case '$':
          // Go (no `m` flag): start / end of text, the same as JS without `m`.
          this.pos++;
          top().current.push(atom(c));
          break;
        case '\\':
          top().current.push(...this.parseTopLevelEscape().map(atom));
          break;
        default: {
          const cp = this.src.codePointAt(this.pos)!;
          this.pos += cp > 0xffff ? 2 : 1;
          top().current.push(atom(literal(cp)));
        }
      }
      lastWasRepeat = isRepeat;
    }
    if (frames.length > 1) this.fail('missing closing )', this.src);
    const whole = alternation(frames[0]);
    // Go's limits on the parse tree. Go simplifies some alternations first (`a|b` becomes `[ab]`, common
    // prefixes are factored), so near the limit an alternation may be measured slightly larger here.
    if (whole.size > MAX_SIZE) this.fail('expression too large', '');
    if (whole.height > MAX_HEIGHT) this.fail('expression nests too deeply', '');
    return whole.text;
  }

  /**
   * Go `parser.repeat`: applies `op` (`*`, `+`, `?` or a parsed `{n,m}`) to the last item of `concat`.
   * A following `?` makes it non-greedy, which changes no match result.
   */
  private repeat(concat: Item[], op: string, counted: { min: number; max: number } | undefined, lastWasRepeat: boolean): void {
    let text = op;
    if (this.src[this.pos] === '?') {
      this.pos++;
      text += '?';
    }
    if (lastWasRepeat) this.fail('invalid nested repetition operator', text);
    if (concat.length === 0) this.fail('missing argument to repetition operator', text);
    const sub = concat.pop()!;
    const item: Item = { text: `(?:${sub.text})${text}`, size: repeatSize(op, counted, sub.size), height: 1 + sub.height, subs: [sub], counted };
    if (counted && (counted.min >= 2 || counted.max >= 2) && !repeatIsValid(item, MAX_REPEAT)) {
      this.fail('invalid repeat count', text);
    }
    concat.push(item);
  }

  /** Go `parseRepeat` at a `{`: `{n}`, `{n,}` or `{n,m}`, or `undefined` when the text has another form. */
  private parseRepeat(): { min: number; max: number; text: string } | undefined {
    const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    const [text, minText, comma, maxText] = m;
    // Go refuses leading zeros ("{01}" is literal text) and caps each number at 1e8 before the range check.
    if (/^0\d/.test(minText) || (maxText !== undefined && /^0\d/.test(maxText))) return undefined;
    const min = goInt(minText);
    const max = comma === undefined ? min : maxText === '' ? -1 : goInt(maxText);
    if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max) || (comma && maxText !== '' && max < 0)) {
      this.fail('invalid repeat count', text);
    }
    this.pos += text.length;
    return { min, max, text };
  }

  /**
   * A `\` outside a class: assertions, `\Q…\E`, Unicode and Perl classes, then single-character escapes.
   * Returns the JS text of each item it stands for: one, or one per rune of a `\Q…\E` (none when it is empty).
   */
  private parseTopLevelEscape(): string[] {
    const start = this.pos;
    const next = this.src[this.pos + 1];
    if (next === undefined) this.fail('trailing backslash at end of expression', '');
    switch (next) {
      case 'A':
        this.pos += 2;
        return ['^'];
      case 'z':
        this.pos += 2;
        return ['$'];
      case 'b':
      case 'B':
        // Go's \b is an ASCII word boundary, the same as JS's without the `i` flag.
        this.pos += 2;
        return [`\\${next}`];
      case 'C':
        this.fail('invalid escape sequence', '\\C');
        break;
      case 'Q': {
        // Everything up to `\E` (or the end) is literal text, one item per rune as in Go: `\Qab\E{2}` is `abb`.
        const body = this.src.slice(start + 2);
        const end = body.indexOf('\\E');
        const text = end < 0 ? body : body.slice(0, end);
        this.pos = start + 2 + (end < 0 ? body.length : end + 2);
        return Array.from(text, (ch) => literal(ch.codePointAt(0)!));
      }
    }
    const unicode = this.tryUnicodeClass();
    if (unicode !== undefined) return [`[${unicode}]`];
    const perl = this.tryPerlClass();
    if (perl !== undefined) return [classText(perl, false)];
    return [literal(this.parseEscape())];
  }

  /** Go `parseEscape`, entered at the `\`: returns the rune it denotes. */
  private parseEscape(): number {
    const start = this.pos;
    this.pos++; // the backslash
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) this.fail('trailing backslash at end of expression', '');
    this.pos += cp! > 0xffff ? 2 : 1;
    const c = String.fromCodePoint(cp!);
    const bad = (): never => this.fail('invalid escape sequence', this.src.slice(start, this.pos));
    // Escaped ASCII punctuation (and any other non-alphanumeric ASCII) is always itself.
    if (cp! < 0x80 && !/[0-9A-Za-z]/.test(c)) return cp!;
    if (c >= '1' && c <= '7' && !isOctal(this.src[this.pos])) bad(); // a lone \1..\7 would be a backreference
    if (c >= '0' && c <= '7') {
      let r = cp! - 0x30;
      for (let i = 1; i < 3 && isOctal(this.src[this.pos]); i++) r = r * 8 + (this.src.charCodeAt(this.pos++) - 0x30);
      return r;
    }
    if (c === 'x') {
      if (this.src[this.pos] === '{') {
        const close = this.src.indexOf('}', this.pos);
        const hex = close < 0 ? '' : this.src.slice(this.pos + 1, close);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > MAX_RUNE) {
          this.pos = close < 0 ? this.src.length : close + 1;
          bad();
        }
        this.pos = close + 1;
        return parseInt(hex, 16);
      }
      const hex = this.src.slice(this.pos, this.pos + 2);
      this.pos += Math.min(2, hex.length);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) bad();
      return parseInt(hex, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in simple) return simple[c];
    return bad();
  }

  /** Go `parseClass`, entered at the `[`. */
  private parseClass(): string {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const extra: string[] = []; // \p{...} items, kept symbolic
    let first = true; // "]" is a literal when it comes first
    while (first || this.src[this.pos] !== ']') {
      if (this.pos >= this.src.length) this.fail('missing closing ]', this.src.slice(start));
      first = false;
      const named = this.tryNamedClass();
      if (named) {
        ranges.push(...named);
        continue;
      }
      const unicode = this.tryUnicodeClass();
      if (unicode !== undefined) {
        extra.push(unicode);
        continue;
      }
      const perl = this.tryPerlClass();
      if (perl) {
        ranges.push(...perl);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(start);
      let hi = lo;
      // "[a-]" means a or "-", so a "-" right before the closing "]" is a literal.
      if (this.src[this.pos] === '-' && this.pos + 1 < this.src.length && this.src[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.parseClassChar(start);
        if (hi < lo) this.fail('invalid character class range', this.src.slice(rangeStart, this.pos));
      }
      ranges.push([lo, hi]);
    }
    this.pos++; // the closing ]
    return classText(ranges, negated, extra);
  }

  private parseClassChar(classStart: number): number {
    if (this.pos >= this.src.length) this.fail('missing closing ]', this.src.slice(classStart));
    if (this.src[this.pos] === '\\') return this.parseEscape();
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** Go `parseNamedClass`: `[:alpha:]` / `[:^alpha:]` inside a class. */
  private tryNamedClass(): Range[] | undefined {
    if (!this.src.startsWith('[:', this.pos)) return undefined;
    const end = this.src.indexOf(':]', this.pos + 2);
    if (end < 0) return undefined; // not a named class: "[" is then a literal
    const text = this.src.slice(this.pos, end + 2);
    let name = this.src.slice(this.pos + 2, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const ranges = Object.prototype.hasOwnProperty.call(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (!ranges) this.fail('invalid character class range', text);
    this.pos = end + 2;
    return negated ? complement(ranges!) : ranges!;
  }

  /** Go `parsePerlClassEscape`: `\d \s \w` and their negations. */
  private tryPerlClass(): Range[] | undefined {
    if (this.src[this.pos] !== '\\') return undefined;
    const letter = this.src[this.pos + 1] ?? '';
    const ranges = PERL_CLASSES[letter.toLowerCase()];
    if (!ranges || !/[dswDSW]/.test(letter)) return undefined;
    this.pos += 2;
    return letter === letter.toUpperCase() ? complement(ranges) : ranges;
  }

  /**
   * Go `parseUnicodeClass`: `\pL`, `\p{Greek}`, `\P{Lu}`, `\p{^Greek}`. Returns JS class-item text.
   * Go accepts `Any`, general categories and scripts; JS spells scripts `Script=…`. Names JS does not know
   * either way are rejected as Go rejects unknown names.
   */
  private tryUnicodeClass(): string | undefined {
    const start = this.pos;
    const kind = this.src[this.pos + 1];
    if (this.src[this.pos] !== '\\' || (kind !== 'p' && kind !== 'P')) return undefined;
    let negated = kind === 'P';
    let name: string;
    if (this.src[this.pos + 2] === '{') {
      const close = this.src.indexOf('}', this.pos + 3);
      if (close < 0) this.fail('invalid character class range', this.src.slice(start));
      name = this.src.slice(this.pos + 3, close);
      this.pos = close + 1;
    } else {
      const cp = this.src.codePointAt(this.pos + 2);
      name = cp === undefined ? '' : String.fromCodePoint(cp);
      this.pos += 2 + name.length;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const item = jsUnicodeProperty(name, negated);
    if (item === undefined) this.fail('invalid character class range', this.src.slice(start, this.pos));
    return item;
  }

  private fail(reason: string, text: string): never {
    throw new GoRegexpError(text ? `${reason}: \`${text}\`` : reason);
  }
}

/** A leaf of the parse tree (literal, class, `.`, assertion): one Go instruction. */
function atom(text: string): Item {
  return { text, size: 1, height: 1, subs: [] };
}

/** A group's (or the whole expression's) alternatives, sized like Go's OpAlternate of OpConcat. */
function alternation(frame: Frame): Item {
  const alternatives = [...frame.alternatives, frame.current].map(concatenation);
  if (alternatives.length === 1) return alternatives[0];
  return {
    text: alternatives.map((a) => a.text).join('|'),
    size: alternatives.reduce((sum, a) => sum + a.size, 0) + alternatives.length - 1,
    height: 1 + Math.max(...alternatives.map((a) => a.height)),
    subs: alternatives,
  };
}

function concatenation(items: Item[]): Item {
  if (items.length === 1) return items[0];
  return {
    text: items.map((i) => i.text).join(''),
    // An empty concatenation is Go's OpEmptyMatch: size 1.
    size: Math.max(1, items.reduce((sum, i) => sum + i.size, 0)),
    height: items.length === 0 ? 1 : 1 + Math.max(...items.map((i) => i.height)),
    subs: items,
  };
}

/** Go `calcSize` for a repeat of something of size `sub`. */
function repeatSize(op: string, counted: { min: number; max: number } | undefined, sub: number): number {
  if (!counted) return Math.max(1, (op === '*' ? 2 : 1) + sub);
  const { min, max } = counted;
  if (max === -1) return Math.max(1, min === 0 ? 2 + sub : 1 + min * sub);
  return Math.max(1, max * sub + (max - min));
}

/** Go `repeatIsValid`: nested counted repeats may not multiply beyond `n` copies of the innermost item. */
function repeatIsValid(item: Item, n: number): boolean {
  let limit = n;
  if (item.counted) {
    let m = item.counted.max;
    if (m === 0) return true;
    if (m < 0) m = item.counted.min;
    if (m > limit) return false;
    if (m > 0) limit = Math.floor(limit / m);
  }
  return item.subs.every((sub) => repeatIsValid(sub, limit));
}

/** Go `parseInt` on digits: values of 1e8 and more become -1 ("too big"). */
function goInt(digits: string): number {
  let n = 0;
  for (const d of digits) {
    if (n >= 1e8) return -1;
    n = n * 10 + (d.charCodeAt(0) - 0x30);
  }
  return n;
}

function jsUnicodeProperty(name: string, negated: boolean): string | undefined {
  if (name === '' || !/^[A-Za-z_]+$/.test(name)) return undefined;
  const p = negated ? 'P' : 'p';
  const candidates =
    name === 'Any' || name === 'ASCII' || name === 'Assigned'
      ? [`\\${p}{${name}}`]
      : [`\\${p}{General_Category=${name}}`, `\\${p}{Script=${name}}`];
  return candidates.find((c) => {
    try {
      new RegExp(`[${c}]`, 'u');
      return true;
    } catch {
      return false;
    }
  });
}

function isOctal(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '7';
}

/** A rune as JS regexp text that means exactly that rune, inside or outside a class. */
function literal(cp: number): string {
  return /[0-9A-Za-z_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;
}

function classText(ranges: Range[], negated: boolean, extra: string[] = []): string {
  const items = ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`));
  return `[${negated ? '^' : ''}${items.join('')}${extra.join('')}]`;
}

/** The runes in [0, MAX_RUNE] not covered by `ranges`. */
function complement(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}
