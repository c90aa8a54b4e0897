// Picks the renderer for an output stream: live view on an interactive terminal, plain lines otherwise
// (CI, pipes, files, TERM=dumb), where cursor movement would only produce garbage.

import { PlainProgressSink } from './plain-sink';
import type { ProgressSink } from './progress-sink';
import type { TtyProgressSinkOptions } from './tty-sink';

export interface CreateProgressSinkOptions extends TtyProgressSinkOptions {
  /** Force a mode; by default the live view is used when `out.isTTY` and TERM is not "dumb". */
  mode?: 'tty' | 'plain';
}

/** The mode createProgressSink picks for `out`: 'tty' redraws lines in place (so notes must wait for the end). */
export function progressMode(out: { isTTY?: boolean }, mode?: 'tty' | 'plain'): 'tty' | 'plain' {
  return mode ?? (out.isTTY === true && process.env.TERM !== 'dumb' ? 'tty' : 'plain');
}

export function createProgressSink(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  options: CreateProgressSinkOptions = {},
): ProgressSink {
  if (progressMode(out, options.mode) === 'plain') return new PlainProgressSink(out);
  // Required only for the live view: its terminal-width library is a noticeable part of a no-op run's start-up.
  const { TtyProgressSink } = require('./tty-sink') as typeof import('./tty-sink');
  return new TtyProgressSink(out, options);
}
