import { FragmentsError, type ErrorKind } from '../errors/fragments-error';
import type { BuildFailureReport } from '../progress/failure-report';
import { formatFailureReport } from '../progress/failure-report';

export interface BuildFailureOptions {
  /**
   * `user` (default): the engine ran the build and a step failed (a RUN step, a missing base image, a Dockerfile
   * syntax error). `environment`: the engine or registry failed under it (died mid-build, refused the push).
   */
  kind?: ErrorKind;
  /** The engine address or registry host it concerns. */
  where?: string;
  hint?: string;
  cause?: unknown;
}

/**
 * A node that did not build: printed without a stack: node, failing step, last log lines (or the engine or registry
 * that failed, and what to do).
 */
export class BuildFailure extends FragmentsError {
  constructor(
    readonly nodeKey: string,
    message: string,
    readonly report?: BuildFailureReport,
    options: BuildFailureOptions = {},
  ) {
    super(options.kind ?? 'user', message, options);
  }

  override format(): string {
    const text = this.report ? formatFailureReport(this.report).join('\n') : `${this.nodeKey}: ${this.where && !this.message.includes(this.where) ? `${this.where}: ` : ''}${this.message}`;
    return this.hint ? `${text}\n  ${this.hint}` : text;
  }
}
