// Picks the renderer for an output stream: live view on an interactive terminal, plain lines otherwise
// (CI, pipes, files, TERM=dumb), where cursor movement would only produce garbage.

import { PlainProgressSink } from './plain-sink';
import type { ProgressSink } from './progress-sink';
import { TtyProgressSink, TtyProgressSinkOptions } from './tty-sink';

export interface CreateProgressSinkOptions extends TtyProgressSinkOptions {
  /** Force a mode; by default the live view is used when `out.isTTY` and TERM is not "dumb". */
  mode?: 'tty' | 'plain';
}

export function createProgressSink(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  options: CreateProgressSinkOptions = {},
): ProgressSink {
  const mode = options.mode ?? (out.isTTY === true && process.env.TERM !== 'dumb' ? 'tty' : 'plain');
  return mode === 'tty' ? new TtyProgressSink(out, options) : new PlainProgressSink(out);
}
