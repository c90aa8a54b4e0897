/**
 * A small, forgiving reader of the POSIX shell a RUN instruction executes. Lint rules ask "does this RUN call
 * `apt-get install` without `--no-install-recommends`?", which substring matching gets wrong (comments, quotes,
 * `echo apt-get`, `$(curl …)`), so scripts are split into simple commands the way a shell would.
 *
 * It is not a full shell: it never throws, and on input it does not understand (unbalanced quotes, exotic syntax)
 * it degrades to "fewer or longer words", never to a crash.
 */
export interface ShellCommand {
  /** The command and its arguments, quotes removed; expansions such as `${X}` and `$(…)` kept as written. */
  words: string[];
  /** Leading `NAME=value` words (environment for this command only). */
  assignments: string[];
}

interface Token {
  text: string;
  /** A redirect operator; `target` when the next token is its file (`> /x`), not when it is attached (`>&2`). */
  redirect?: 'target' | 'attached';
  /** The word contained a quote, so it is never a keyword or an assignment. */
  quoted?: boolean;
}

/** Words that only structure a command list; the command starts after them. */
const LEADING_KEYWORDS = new Set(['then', 'else', 'elif', 'do', 'if', 'while', 'until', '!', '{', '}', 'fi', 'done', 'esac', 'time']);
/** Headers whose words are not a command (`for i in 1 2 3`, `case "$x" in`). */
const HEADER_KEYWORDS = new Set(['for', 'case', 'select', 'function']);
/** Commands that run their arguments as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'exec', 'command', 'builtin', 'nice', 'stdbuf']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);
const MAX_DEPTH = 8;

export function parseShell(script: string, depth = 0): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const nested = (inner: string) => {
    if (depth < MAX_DEPTH) commands.push(...parseShell(inner, depth + 1));
  };
  for (const tokens of splitCommands(script, nested)) {
    const command = toCommand(tokens);
    if (!command) continue;
    commands.push(command);
    // `sh -c "script"` runs a script: read it too.
    const name = commandName(command);
    const c = command.words.indexOf('-c');
    if (SHELLS.has(name) && c > 0 && command.words[c + 1] !== undefined) nested(command.words[c + 1]);
  }
  return commands;
}

/** `/usr/bin/apt-get` -> `apt-get`; `./configure` -> `configure`. */
export function commandName(command: ShellCommand): string {
  const first = command.words[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}

/** The words after the command name. */
export function commandArgs(command: ShellCommand): string[] {
  return command.words.slice(1);
}

function toCommand(tokens: Token[]): ShellCommand | undefined {
  const words: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].redirect === 'target') i++; // drop the file name too
    else if (!tokens[i].redirect) words.push(tokens[i]);
  }
  while (words.length > 0 && !words[0].quoted && LEADING_KEYWORDS.has(words[0].text)) words.shift();
  if (words.length === 0 || (!words[0].quoted && HEADER_KEYWORDS.has(words[0].text))) return undefined;
  const assignments: string[] = [];
  const takeAssignments = () => {
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(words[0].text)) assignments.push(words.shift()!.text);
  };
  takeAssignments();
  // `sudo -E apt-get …`, `env -u X A=1 cmd …`: the wrapped command is what runs.
  while (words.length > 1 && WRAPPERS.has(words[0].text)) {
    words.shift();
    while (words.length > 1 && words[0].text.startsWith('-')) words.shift();
    takeAssignments();
  }
  // A line of only assignments (`ARCH_ALT=x86_64`) runs nothing.
  if (words.length === 0) return undefined;
  return { words: words.map((w) => w.text), assignments };
}

/**
 * Splits a script into the token lists of its simple commands. Separators: newline ; & && | || ( ) and case's ;;.
 * Command substitutions (`$(…)`, backticks, `<(…)`) are handed to `nested` as scripts of their own.
 */
function splitCommands(s: string, nested: (inner: string) => void): Token[][] {
  const result: Token[][] = [];
  let tokens: Token[] = [];
  let word: string | null = null;
  let quoted = false;
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let expectHeredocDelimiter: boolean | null = null; // stripTabs of a `<<` still waiting for its delimiter word

  const endWord = () => {
    if (word === null) return;
    if (expectHeredocDelimiter !== null) {
      pendingHeredocs.push({ delimiter: word, stripTabs: expectHeredocDelimiter });
      expectHeredocDelimiter = null;
    }
    tokens.push({ text: word, quoted: quoted || undefined });
    word = null;
    quoted = false;
  };
  const endCommand = () => {
    endWord();
    if (tokens.length > 0) result.push(tokens);
    tokens = [];
  };
  const append = (text: string) => {
    word = (word ?? '') + text;
  };

  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const next = s[i + 1];
    if (c === '\\') {
      if (next === '\n') i += 2; // line continuation
      else {
        append(next ?? '');
        quoted = true;
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const end = indexOrEnd(s, "'", i + 1);
      append(s.slice(i + 1, end));
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const { text, end } = readDoubleQuoted(s, i + 1, nested);
      append(text);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '$' || c === '`') {
      const { text, end } = readExpansion(s, i, nested);
      append(text);
      i = end + 1;
      continue;
    }
    if (c === '#' && word === null) {
      i = indexOrEnd(s, '\n', i); // comment: up to (not including) the newline
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n') {
      endCommand();
      i = skipHeredocBodies(s, i + 1, pendingHeredocs);
      continue;
    }
    if ((c === '<' || c === '>') && next === '(') {
      // process substitution: a command of its own
      const end = matchingClose(s, i + 1);
      nested(s.slice(i + 2, end));
      append(s.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    if (c === '<' || c === '>' || (c === '&' && next === '>')) {
      // redirect; a word of digits right before it is its file descriptor (2>/dev/null)
      if (word !== null && !quoted && /^\d+$/.test(word)) word = null;
      else endWord();
      let j = i + 1;
      while (j < s.length && '<>&|'.includes(s[j])) j++;
      if (s.slice(i, j) === '<<' && s[j] === '-') j++; // <<- strips leading tabs
      const op = s.slice(i, j);
      let attached = false;
      if (op.endsWith('&') && /[0-9-]/.test(s[j] ?? '')) {
        while (j < s.length && /[0-9-]/.test(s[j])) j++;
        attached = true;
      }
      if (op === '<<' || op === '<<-') {
        // a here-document: its delimiter is the next word, its body starts on the next line
        while (s[j] === ' ' || s[j] === '\t') j++;
        expectHeredocDelimiter = op === '<<-';
      }
      tokens.push({ text: s.slice(i, j), redirect: attached ? 'attached' : 'target' });
      i = j;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand();
      i++;
      continue;
    }
    append(c);
    i++;
  }
  endCommand();
  return result;
}

/** Reads `"…"` from just after the opening quote; returns the unquoted text and the index of the closing quote. */
function readDoubleQuoted(s: string, start: number, nested: (inner: string) => void): { text: string; end: number } {
  let text = '';
  let i = start;
  while (i < s.length && s[i] !== '"') {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const next = s[i + 1];
      if (next === '\n') i += 2;
      else {
        text += '"\\$`'.includes(next) ? next : c + next;
        i += 2;
      }
      continue;
    }
    if (c === '$' || c === '`') {
      const expansion = readExpansion(s, i, nested);
      text += expansion.text;
      i = expansion.end + 1;
      continue;
    }
    text += c;
    i++;
  }
  return { text, end: i };
}

/** Reads `$(…)`, `$((…))`, `${…}`, `` `…` `` or a plain `$`; returns the text as written and the last index. */
function readExpansion(s: string, i: number, nested: (inner: string) => void): { text: string; end: number } {
  const next = s[i + 1];
  if (s[i] === '`') {
    const end = indexOrEnd(s, '`', i + 1);
    nested(s.slice(i + 1, end));
    return { text: s.slice(i, end + 1), end };
  }
  if (next === '(') {
    const end = matchingClose(s, i + 1);
    if (s[i + 2] !== '(') nested(s.slice(i + 2, end)); // $(( arithmetic )) is not a command
    return { text: s.slice(i, end + 1), end };
  }
  if (next === '{') {
    const end = matchingBrace(s, i + 1);
    return { text: s.slice(i, end + 1), end };
  }
  return { text: '$', end: i };
}

/** Index of the `)` matching the `(` at `open`, skipping quoted text; the last index if unbalanced. */
function matchingClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") i = indexOrEnd(s, "'", i + 1);
    else if (c === '"') i = skipDoubleQuoted(s, i + 1);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return s.length - 1;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return s.length - 1;
}

function skipDoubleQuoted(s: string, start: number): number {
  for (let i = start; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '$' && s[i + 1] === '(') i = matchingClose(s, i + 1);
    else if (s[i] === '"') return i;
  }
  return s.length - 1;
}

/** Skips the bodies of here-documents opened on the line that just ended; returns where the next command starts. */
function skipHeredocBodies(s: string, start: number, pending: { delimiter: string; stripTabs: boolean }[]): number {
  let i = start;
  while (pending.length > 0 && i < s.length) {
    const { delimiter, stripTabs } = pending[0];
    const end = indexOrEnd(s, '\n', i);
    let line = s.slice(i, end);
    if (stripTabs) line = line.replace(/^\t+/, '');
    if (line === delimiter) pending.shift();
    i = end + 1;
  }
  pending.length = 0;
  return i;
}

function indexOrEnd(s: string, needle: string, from: number): number {
  const at = s.indexOf(needle, from);
  return at < 0 ? s.length : at;
}
