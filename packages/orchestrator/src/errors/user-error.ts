import { FragmentsError } from './fragments-error';

/**
 * An error caused by the user's input (a config file, a Dockerfile, a flag): the `user` kind of the error family.
 * The CLI prints these without a stack trace: what is wrong, where, and what to do; exit 1.
 */
export interface ErrorLocation {
  /** File the problem is in (absolute or workspace-relative). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Dotted field path inside the file, e.g. `uses.DYNAMO_IMAGE`. */
  field?: string;
}

export class UserError extends FragmentsError {
  readonly location: ErrorLocation;

  constructor(message: string, location: ErrorLocation = {}, hint?: string) {
    const where = [location.file, location.line].filter((p) => p !== undefined).join(':');
    super('user', message, { hint, where: where || undefined });
    this.location = location;
  }

  /** `file:line: field: message` followed by an indented hint, the way compilers print errors. */
  override format(): string {
    const head = [this.where, this.location.field].filter(Boolean).join(': ');
    const text = head ? `${head}: ${this.message}` : this.message;
    return this.hint ? `${text}\n  ${this.hint}` : text;
  }
}

/** Several user errors found in one pass (e.g. every bad fragment), reported together. */
export class UserErrors extends FragmentsError {
  readonly errors: UserError[];

  constructor(errors: UserError[]) {
    super('user', errors.map((e) => e.format()).join('\n'));
    this.errors = errors;
  }

  override format(): string {
    return this.message;
  }
}

export function isUserError(e: unknown): e is UserError | UserErrors {
  return e instanceof Error && (e.name === 'UserError' || e.name === 'UserErrors') && (e as { kind?: unknown }).kind === 'user';
}
