import { EnvironmentError } from './fragments-error';

/**
 * Node's system errors (from sockets and the file system) that mean the environment failed, not the program:
 * the code -> what it means, for messages. Anything else with a code stays unclassified (a bug until proven otherwise).
 */
const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ECONNRESET: 'connection reset (the other end went away)',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending (the other end went away)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  // Node's http client, when a response broke off midway.
  ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the response ended',
  UND_ERR_SOCKET: 'socket error',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** The system error code of `e` or of its causes (fetch wraps them as `cause`), if it is one we classify. */
export function systemErrorCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code in SYSTEM_ERRORS) return code;
    // A response that broke off: Node says "aborted" / "socket hang up" with ECONNRESET, sometimes without a code.
    const message = (cur as { message?: unknown }).message;
    if (message === 'aborted' || message === 'socket hang up') return 'ECONNRESET';
  }
  return undefined;
}

/** `ECONNREFUSED (connection refused (nothing listens there))`. */
export function describeSystemError(e: unknown): string {
  const code = systemErrorCode(e);
  if (!code) return (e as Error)?.message ?? String(e);
  return `${code}: ${SYSTEM_ERRORS[code]}`;
}

export interface SystemErrorContext {
  /** What we were doing: `reading the build context`, `connecting to the engine`. */
  doing: string;
  /** The engine address, registry host, path or node it concerns. */
  where: string;
  hint?: string;
}

/**
 * The classifier at the library's boundaries: a Node system error becomes an EnvironmentError naming what we were
 * doing and where, with a hint. Errors already in the family pass unchanged; anything else is returned as it is
 * (it stays internal: the CLI prints its stack).
 */
export function classifySystemError(e: unknown, context: SystemErrorContext): unknown {
  if (e instanceof EnvironmentError || (e as { kind?: unknown })?.kind !== undefined) return e;
  const code = systemErrorCode(e);
  if (!code) return e;
  return new EnvironmentError(`${context.doing}: ${describeSystemError(e)}`, { where: context.where, hint: context.hint ?? defaultHint(code), cause: e });
}

function defaultHint(code: string): string | undefined {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'free some disk space (e.g. `docker builder prune`, `docker image prune`) and run again';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'check the permissions of that path (or run as a user who may write there)';
  return undefined;
}
