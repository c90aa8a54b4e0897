import { UserError } from '../errors/user-error';

/**
 * Names and values of the hoisted global ARG block.
 *
 * Different nodes may bind the same ARG name to different values (every fragment has its own BASE_IMAGE), so each
 * node's global ARGs are renamed `<node>__<ARG>`, with the node id made a valid ARG name (`runtime.vllm` ->
 * `runtime_vllm`).
 */
export function argPrefix(nodeId: string): string {
  const safe = nodeId.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

export function renamedArg(nodeId: string, arg: string): string {
  return `${argPrefix(nodeId)}__${arg}`;
}

const PLAIN_VALUE = /^[A-Za-z0-9_./:@+,=%-]+$/;

/**
 * The text after `ARG NAME=` that yields exactly `value` once BuildKit's shell lexer has read it: bare when only
 * harmless characters occur, otherwise double-quoted with `\`, `"` and `$` escaped (no variable expansion: pins are
 * literal). An empty value is written `""` so the declaration still sets it (a build arg passed as empty is set).
 */
export function argValueText(value: string, what: string): string {
  if (/[\r\n]/.test(value)) {
    throw new UserError(`${what} has a line break in its value, which a Dockerfile ARG default cannot hold`, {}, 'pins and args must be single-line strings');
  }
  if (PLAIN_VALUE.test(value)) return value;
  return `"${value.replace(/[\\"$]/g, '\\$&')}"`;
}

/** A valid BuildKit stage name: lower-case letter first, then lower-case letters, digits, `-`, `_`, `.`. */
export const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;
