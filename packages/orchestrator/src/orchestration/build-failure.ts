import type { BuildFailureReport } from '../progress/failure-report';
import { formatFailureReport } from '../progress/failure-report';

/**
 * A build that the engine ran and that failed (a RUN step, a missing base image, a Dockerfile syntax error), or that
 * could not be sent (the context changed). Printed without a stack: node, failing step, last log lines.
 */
export class BuildFailure extends Error {
  constructor(
    readonly nodeKey: string,
    message: string,
    readonly report?: BuildFailureReport,
  ) {
    super(message);
    this.name = 'BuildFailure';
  }

  format(): string {
    return this.report ? formatFailureReport(this.report).join('\n') : `${this.nodeKey}: ${this.message}`;
  }
}
