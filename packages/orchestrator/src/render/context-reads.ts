import type { JSONInstruction } from 'dockerfile-ast';
import type { OffsetMap, TextRange } from './text-edits';

/** How a fragment's build context is named in a rendered Dockerfile: `ctx-<node>` (named) or `.fragments/<node>`. */
export const contextName = (nodeId: string) => `ctx-${nodeId}`;
export const contextPrefix = (nodeId: string) => `.fragments/${nodeId}`;

/** `COPY <<EOF …`: an inline file, not a context read. */
export const HEREDOC = /^<<-?/;
/** ADD sources fetched by the builder, not read from the context. */
export const REMOTE_SOURCE = /^(https?:\/\/|git@|git:\/\/)/;

/**
 * The sources of a COPY/ADD (every argument but the destination), with their ranges. In JSON form the range is
 * inside the quotes. Heredoc bodies follow the instruction line and are not arguments of it.
 */
export function sourcesOf(instruction: JSONInstruction, offsets: OffsetMap): { value: string; range: TextRange }[] {
  const json = instruction.getJSONStrings();
  if (json.length > 0) return json.slice(0, -1).map((j) => ({ value: offsets.slice(j.getJSONRange()), range: j.getJSONRange() }));
  let args = instruction.getArguments();
  const heredocs = args.filter((a) => HEREDOC.test(a.getValue()));
  if (heredocs.length > 0) {
    const lastLine = heredocs[heredocs.length - 1].getRange().start.line;
    args = args.filter((a) => a.getRange().start.line <= lastLine);
  }
  return args.slice(0, -1).map((a) => ({ value: a.getValue(), range: a.getRange() }));
}

/** `src/` -> `.fragments/<node>/src/`; `.`, `./` and `/` -> `.fragments/<node>` (paths are context-relative). */
export function prefixedSource(nodeId: string, source: string): string {
  let rel = source;
  for (;;) {
    const next = rel.replace(/^\/+/, '').replace(/^\.\/+/, '');
    if (next === rel) break;
    rel = next;
  }
  return rel === '' || rel === '.' ? contextPrefix(nodeId) : `${contextPrefix(nodeId)}/${rel}`;
}
