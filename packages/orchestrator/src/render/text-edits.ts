import { InternalError } from '../errors/fragments-error';
/** One replacement in a text: `[start, end)` (offsets) becomes `text`. An insertion has start === end. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Position of dockerfile-ast (0-based line and character, lines split at \n, \r\n or \r). */
export interface LinePosition {
  line: number;
  character: number;
}

export interface TextRange {
  start: LinePosition;
  end: LinePosition;
}

/** Maps dockerfile-ast positions to string offsets in `text`. */
export class OffsetMap {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\r' && text[i + 1] === '\n') continue; // the \n ends the line
      if (ch === '\n' || ch === '\r') this.lineStarts.push(i + 1);
    }
  }

  offset(position: LinePosition): number {
    const start = this.lineStarts[position.line];
    if (start === undefined) return this.text.length;
    return Math.min(start + position.character, this.text.length);
  }

  replace(range: TextRange, text: string): TextEdit {
    return { start: this.offset(range.start), end: this.offset(range.end), text };
  }

  insert(position: LinePosition, text: string): TextEdit {
    const at = this.offset(position);
    return { start: at, end: at, text };
  }

  slice(range: TextRange): string {
    return this.text.slice(this.offset(range.start), this.offset(range.end));
  }
}

/**
 * Applies non-overlapping edits to `text[from, to)` and returns that slice, edited. Edits outside the slice are an
 * error (a bug in the caller), as are overlapping ones: silently dropping either would corrupt the Dockerfile.
 */
export function applyEdits(text: string, edits: readonly TextEdit[], from = 0, to = text.length): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = from;
  for (const edit of sorted) {
    if (edit.start < cursor || edit.end > to || edit.start > edit.end) {
      throw new InternalError(`overlapping or out-of-range Dockerfile edit at offset ${edit.start}`);
    }
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor, to);
}
