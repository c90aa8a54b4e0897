import { errorKind } from '../../src/errors/fragments-error';

/**
 * "No input ever produces an internal error": the one place the property tests decide what counts as an expected
 * failure. User and environment kinds of the error family are fine; the internal kind (and anything outside the
 * family: a TypeError, an unclassified Node error) is the bug.
 */
export function isExpectedFailure(e: unknown): boolean {
  return errorKind(e) !== 'internal';
}

/** Runs `fn`; returns normally when it succeeds or fails with a user or environment error, and throws (keeping the stack) otherwise. */
export async function expectNoInternalError(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (isExpectedFailure(e)) return;
    const error = new Error(`internal error (neither a user nor an environment error): ${(e as Error)?.stack ?? String(e)}`);
    throw error;
  }
}

/** The CLI's exit code for an internal error (main.ts). */
export { EXIT_CODES } from '../../src/errors/fragments-error';
export const INTERNAL_ERROR_EXIT = 70;
