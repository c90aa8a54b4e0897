// Turns a vertex's raw log chunks into complete lines and keeps the last few for failure reports.
// BuildKit batches output by time, not by line: one chunk may hold many lines, a line may span chunks
// (e.g. `printf 'a'; sleep 1; echo b`), and a UTF-8 character may be split between chunks.

import { StringDecoder } from 'node:string_decoder';

/** Longest partial line kept before it is emitted anyway (a tool printing megabytes without '\n'). */
const MAX_PARTIAL_LENGTH = 64 * 1024;
/** Longest line kept in the tail; the full line is still emitted once to the sinks. */
const MAX_TAIL_LINE_LENGTH = 4096;

export class VertexLogLines {
  private readonly partial = new Map<number, { decoder: StringDecoder; text: string }>();
  private readonly lines: string[] = [];

  constructor(
    /** How many complete lines to keep for `tail()`. */
    private readonly tailSize = 30,
  ) {}

  /** Adds one chunk of a stream (1 stdout, 2 stderr) and returns the lines it completed. */
  push(stream: number, chunk: Uint8Array): string[] {
    // Per stream, so interleaved stdout/stderr chunks never glue half lines together.
    let p = this.partial.get(stream);
    if (!p) {
      p = { decoder: new StringDecoder('utf8'), text: '' };
      this.partial.set(stream, p);
    }
    p.text += p.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const parts = p.text.split('\n');
    p.text = parts.pop() ?? '';
    if (p.text.length > MAX_PARTIAL_LENGTH) {
      parts.push(p.text);
      p.text = '';
    }
    return this.keep(parts);
  }

  /** Emits unterminated lines (the vertex finished, or the build ended). */
  flush(): string[] {
    const rest: string[] = [];
    for (const p of this.partial.values()) {
      const text = p.text + p.decoder.end();
      p.text = '';
      if (text !== '') rest.push(text);
    }
    return this.keep(rest);
  }

  /** The last complete lines, oldest first. */
  tail(): string[] {
    return [...this.lines];
  }

  private keep(raw: string[]): string[] {
    const out = raw.map(cleanLine);
    for (const line of out) {
      this.lines.push(line.length > MAX_TAIL_LINE_LENGTH ? `${line.slice(0, MAX_TAIL_LINE_LENGTH)}…` : line);
    }
    if (this.lines.length > this.tailSize) this.lines.splice(0, this.lines.length - this.tailSize);
    return out;
  }
}

/**
 * Keeps what a terminal would show: drops a CRLF's '\r', and for progress bars redrawn with '\r'
 * keeps only the final state instead of every frame.
 */
function cleanLine(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  const cr = trimmed.lastIndexOf('\r');
  return cr === -1 ? trimmed : trimmed.slice(cr + 1);
}
