/**
 * An error caused by the user's input (a config file, a Dockerfile, a flag), as opposed to a bug.
 * The CLI prints these without a stack trace: what is wrong, where, and what to do.
 */
export interface ErrorLocation {
  /** File the problem is in (absolute or workspace-relative). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Dotted field path inside the file, e.g. `uses.DYNAMO_IMAGE`. */
  field?: string;
}

export class UserError extends Error {
  readonly location: ErrorLocation;
  readonly hint?: string;

  constructor(message: string, location: ErrorLocation = {}, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.location = location;
    this.hint = hint;
  }

  /** `file:line: field: message` followed by an indented hint, the way compilers print errors. */
  format(): string {
    const where = [this.location.file, this.location.line].filter((p) => p !== undefined).join(':');
    const head = [where, this.location.field].filter(Boolean).join(': ');
    const text = head ? `${head}: ${this.message}` : this.message;
    return this.hint ? `${text}\n  ${this.hint}` : text;
  }
}

/** Several user errors found in one pass (e.g. every bad fragment), reported together. */
export class UserErrors extends Error {
  readonly errors: UserError[];

  constructor(errors: UserError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'UserErrors';
    this.errors = errors;
  }

  format(): string {
    return this.message;
  }
}

export function isUserError(e: unknown): e is UserError | UserErrors {
  return e instanceof Error && (e.name === 'UserError' || e.name === 'UserErrors');
}
