/**
 * The one error family of the library. Every error it throws on purpose is a FragmentsError of one kind, and the CLI
 * decides what to print and which exit code to return from the kind alone:
 *
 * - `user`: bad input (a config file, a Dockerfile, a flag): what is wrong, where (file:line, field), what to do.
 * - `environment`: the machine around us failed (engine, registry, network, disk, permissions): what failed, which
 *   engine address / registry host / path / node, what to do. Nothing in the input needs to change; a rerun after
 *   the fix works.
 * - `internal`: a bug. The only kind printed with a stack and a request to report it. Any error that is not a
 *   FragmentsError (a TypeError, a raw Node error nobody classified) counts as internal too.
 */
export type ErrorKind = 'user' | 'environment' | 'internal';

/** Exit codes of the CLI, one per outcome (documented in README.md). */
export const EXIT_CODES = {
  ok: 0,
  /** Bad input, or a build step that failed (the Dockerfile's business). */
  user: 1,
  /** Command-line usage (unknown option, missing argument): commander's own message. */
  usage: 2,
  /** The environment failed: engine, registry, network, disk, permissions. */
  environment: 3,
  /** A bug (EX_SOFTWARE). */
  internal: 70,
  /** Interrupted (SIGINT/SIGTERM): 128 + 2. */
  canceled: 130,
} as const;

export interface FragmentsErrorOptions {
  /** What to do about it, printed indented under the message. */
  hint?: string;
  /** Where it happened: `file:line`, an engine address, a registry host, a path, a node. */
  where?: string;
  cause?: unknown;
}

export class FragmentsError extends Error {
  readonly hint?: string;
  readonly where?: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: FragmentsErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.where = options.where;
  }

  /** `where: message` followed by an indented hint, the way compilers print errors. */
  format(): string {
    const text = this.where && !this.message.startsWith(this.where) ? `${this.where}: ${this.message}` : this.message;
    return this.hint ? `${text}\n  ${this.hint}` : text;
  }
}

/** The machine around us failed: engine, registry, network, disk, permissions. */
export class EnvironmentError extends FragmentsError {
  constructor(message: string, options: FragmentsErrorOptions = {}) {
    super('environment', message, options);
  }
}

/** A broken invariant: a bug in fragments, never the user's or the machine's doing. */
export class InternalError extends FragmentsError {
  constructor(message: string, options: FragmentsErrorOptions = {}) {
    super('internal', message, options);
  }
}

/** A FragmentsError, also across copies of this module (the nx plugin may load its own): checked by `kind`. */
export function isFragmentsError(e: unknown): e is FragmentsError {
  if (e instanceof FragmentsError) return true;
  const kind = (e as { kind?: unknown } | undefined)?.kind;
  return e instanceof Error && typeof (e as { format?: unknown }).format === 'function' && (kind === 'user' || kind === 'environment' || kind === 'internal');
}

/** The kind of any thrown value: anything outside the family is internal (a bug). */
export function errorKind(e: unknown): ErrorKind {
  return isFragmentsError(e) ? e.kind : 'internal';
}

export function isEnvironmentError(e: unknown): e is FragmentsError {
  return errorKind(e) === 'environment';
}

/** The exit code for an error of this kind. */
export function exitCodeFor(e: unknown): number {
  return EXIT_CODES[errorKind(e)];
}

/** The worst of several kinds, for a command that saw several failures: internal > environment > user. */
export function worstKind(kinds: Iterable<ErrorKind>): ErrorKind | undefined {
  let worst: ErrorKind | undefined;
  const rank: Record<ErrorKind, number> = { user: 1, environment: 2, internal: 3 };
  for (const k of kinds) if (!worst || rank[k] > rank[worst]) worst = k;
  return worst;
}

/**
 * How the CLI prints an error of any kind: user and environment errors as `error: <where>: <message>` plus a hint,
 * no stack; everything else as an internal error with its stack and a request to report it.
 */
export function describeError(e: unknown): string {
  if (isFragmentsError(e) && e.kind !== 'internal') return `error: ${e.format()}`;
  const stack = (e as Error)?.stack ?? String(e);
  return `internal error (please report it with this output): ${stack}`;
}
