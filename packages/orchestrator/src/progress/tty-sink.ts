// Live terminal renderer: finished steps scroll above as one line each, and below them a block of one
// status line per building node is redrawn in place. Redraws are coalesced (at most one per interval)
// and each frame is a single write, so a busy build cannot flood the terminal or tear lines.

import stringWidth from 'string-width';
import type { BuildProgressState } from './build-state';
import { BuildFailureReport, formatFailureReport } from './failure-report';
import { formatOutcome, formatStatus, prefixLines } from './format';
import type { ProgressEvent, VertexInfo } from './progress-events';
import type { ProgressSink } from './progress-sink';

export interface TtyProgressSinkOptions {
  /** Minimum time between redraws. Default 100 ms. */
  redrawIntervalMs?: number;
  /** Redraw this often while nodes are building, so elapsed times advance without events. Default 1000 ms. */
  tickMs?: number;
  /** Clock for elapsed times and throttling; injectable for tests. */
  now?: () => number;
}

/** A terminal-like stream: `columns`/`rows` are read when present (tty.WriteStream). */
type TerminalStream = NodeJS.WritableStream & { columns?: number; rows?: number };

interface NodeView {
  state: BuildProgressState;
  /** Local time each running vertex was first seen: engine timestamps may come from a skewed remote clock. */
  since: Map<string, number>;
  /** Latest log line or sub-task status per vertex, shown after the step name. */
  detail: Map<string, string>;
}

const ESC = '\x1b[';
// CSI sequences and other control characters in tool output would move the cursor and break the frame.
const ANSI_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]/g;
const CONTROL = /[\x00-\x1f\x7f]/g;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export class TtyProgressSink implements ProgressSink {
  private readonly nodes = new Map<string, NodeView>();
  private pendingScroll = '';
  private liveLineCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private lastDraw = -Infinity;
  private closed = false;
  private readonly redrawIntervalMs: number;
  private readonly tickMs: number;
  private readonly now: () => number;

  constructor(
    private readonly out: TerminalStream,
    options: TtyProgressSinkOptions = {},
  ) {
    this.redrawIntervalMs = options.redrawIntervalMs ?? 100;
    this.tickMs = options.tickMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  events(nodeId: string, events: readonly ProgressEvent[], state: BuildProgressState): void {
    if (this.closed) return;
    const view = this.view(nodeId, state);
    for (const event of events) {
      const digest = event.vertex.digest;
      switch (event.type) {
        case 'vertex-start':
          view.since.set(digest, this.now());
          break;
        case 'vertex-log':
          if (event.line.trim() !== '') view.detail.set(digest, event.line);
          break;
        case 'vertex-status':
          view.detail.set(digest, formatStatus(event.status));
          break;
        case 'vertex-warning':
          this.scroll(nodeId, [`#${event.vertex.index} WARN: ${event.warning.short}`]);
          break;
        case 'vertex-end':
          view.since.delete(digest);
          view.detail.delete(digest);
          this.scroll(nodeId, [`#${event.vertex.index} ${event.vertex.name} ${formatOutcome(event.vertex, event.outcome)}`]);
          break;
      }
    }
    this.schedule();
  }

  nodeEnded(nodeId: string, failure?: BuildFailureReport): void {
    if (this.closed) return;
    this.nodes.delete(nodeId);
    if (failure) this.scroll(nodeId, formatFailureReport(failure));
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.nodes.clear();
    this.draw();
  }

  /** Draws a frame now (the timer calls this; tests may too). */
  draw(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastDraw = this.now();
    const live = this.liveLines();
    // Cursor sits at the start of the line below the previous live block: go back up and clear it.
    const erase = this.liveLineCount > 0 ? `${ESC}${this.liveLineCount}A\r${ESC}J` : '';
    const frame = erase + this.pendingScroll + live.map((l) => `${l}\n`).join('');
    this.pendingScroll = '';
    this.liveLineCount = live.length;
    if (frame !== '') this.out.write(frame);
    if (this.nodes.size > 0 && !this.closed) this.arm(this.tickMs);
  }

  private view(nodeId: string, state: BuildProgressState): NodeView {
    let view = this.nodes.get(nodeId);
    if (!view) {
      view = { state, since: new Map(), detail: new Map() };
      this.nodes.set(nodeId, view);
    }
    view.state = state;
    return view;
  }

  private scroll(nodeId: string, lines: string[]): void {
    this.pendingScroll += prefixLines(nodeId, lines);
  }

  private schedule(): void {
    if (this.closed) return;
    this.arm(Math.max(0, this.lastDraw + this.redrawIntervalMs - this.now()));
  }

  /** Sets the redraw timer unless one is already due no later (an event must not wait for the slow tick). */
  private arm(delayMs: number): void {
    const due = this.now() + delayMs;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, delayMs);
    // Never keep the process alive just to repaint; close() draws the last frame.
    this.timer.unref?.();
  }

  private liveLines(): string[] {
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const maxLines = Math.max(1, (this.out.rows ?? 24) - 2);
    const lines: string[] = [];
    for (const [nodeId, view] of this.nodes) {
      if (lines.length === maxLines - 1 && this.nodes.size > maxLines) {
        lines.push(`… ${this.nodes.size - lines.length} more building`);
        break;
      }
      lines.push(truncate(this.nodeLine(nodeId, view), width));
    }
    return lines;
  }

  private nodeLine(nodeId: string, view: NodeView): string {
    const running = view.state.running();
    const current: VertexInfo | undefined = running[running.length - 1];
    if (!current) return `[${nodeId}] …`;
    const since = view.since.get(current.digest) ?? this.now();
    const elapsed = ((this.now() - since) / 1000).toFixed(1);
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    const detail = view.detail.get(current.digest);
    return `[${nodeId}] #${current.index} ${current.name} ${elapsed}s${more}${detail ? `  ${detail}` : ''}`;
  }
}

/**
 * Cuts to the terminal width so no line wraps (a wrapped line would break the erase-by-count). Width is measured in
 * terminal columns, not characters: CJK characters and emoji take two. Cut between graphemes, so an emoji sequence is
 * never split into half a glyph.
 */
export function truncate(line: string, width: number): string {
  const clean = line.replace(ANSI_SEQUENCE, '').replace(CONTROL, ' ');
  if (stringWidth(clean) <= width) return clean;
  let kept = '';
  let used = 0;
  for (const { segment } of GRAPHEMES.segment(clean)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break; // leave one column for the ellipsis
    kept += segment;
    used += w;
  }
  return `${kept}…`;
}
