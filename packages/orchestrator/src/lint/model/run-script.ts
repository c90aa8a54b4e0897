import type { Instruction } from 'dockerfile-ast';

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface HeredocLike {
  getContentRange(): Range | null;
}

const SHELL_COMMAND = /^(\S*\/)?(sh|bash|dash|ash|zsh)$/;
const HEREDOC_MARKER = /<<-?\s*(["']?)([A-Za-z0-9_.-]+)\1/g;

/**
 * The shell script a RUN instruction executes, as BuildKit would hand it to `/bin/sh -c`:
 * - shell form: continuation lines joined, and comment or blank lines inside the continuation dropped (Docker
 *   removes those before the shell sees them);
 * - JSON form: `["sh", "-c", "script"]` gives the script, any other array is one command;
 * - heredocs: `RUN <<EOF` (or `RUN <<EOF bash`) runs the body; `RUN python3 <<EOF` / `cat <<EOF > f` feed the body
 *   to a program as data, so only the command line is shell.
 */
export function runScript(run: Instruction, lines: string[], escapeChar: string): string {
  const raw = run.getRawArgumentsContent() ?? '';
  const json = execForm(raw);
  if (json !== undefined) return json;

  const heredocs: HeredocLike[] = 'getHeredocs' in run ? (run as unknown as { getHeredocs(): HeredocLike[] }).getHeredocs() : [];
  const bodies = heredocs.map((h) => h.getContentRange()).filter((r): r is Range => r !== null);
  if (bodies.length === 0) return joinContinuations(raw, escapeChar);

  // The command line is everything before the first body; the bodies follow it in order.
  const argsStart = run.getArgumentsRange()?.start.line ?? run.getRange().start.line;
  const commandLines = raw.split('\n').slice(0, Math.max(1, bodies[0].start.line - argsStart));
  const command = joinContinuations(commandLines.join('\n'), escapeChar).replace(HEREDOC_MARKER, ' ').trim();
  const firstWord = command.split(/\s+/)[0] ?? '';
  if (command === '' || SHELL_COMMAND.test(firstWord)) {
    return bodies.map((range) => textOf(lines, range)).join('\n');
  }
  return command;
}

function execForm(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('[')) return undefined;
  let words: unknown;
  try {
    words = JSON.parse(trimmed);
  } catch {
    return undefined; // not valid JSON: Docker runs it in shell form
  }
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) return undefined;
  const c = words.indexOf('-c');
  if (SHELL_COMMAND.test(words[0] ?? '') && c > 0 && c + 1 < words.length) return words[c + 1];
  return words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

function joinContinuations(raw: string, escapeChar: string): string {
  const [first, ...rest] = raw.split('\n');
  const kept = [first, ...rest.filter((line) => !/^\s*(#.*)?$/.test(line))];
  let script = '';
  for (const line of kept) {
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escapeChar)) script += trimmed.slice(0, -escapeChar.length);
    else script += line + '\n';
  }
  return script;
}

/** Text of a range of the document (0-based lines, end exclusive), clamped to the file. */
function textOf(lines: string[], range: Range): string {
  const out: string[] = [];
  for (let line = range.start.line; line <= range.end.line && line < lines.length; line++) {
    const text = lines[line];
    const from = line === range.start.line ? range.start.character : 0;
    const to = line === range.end.line ? range.end.character : text.length;
    out.push(text.slice(from, to));
  }
  return out.join('\n');
}
