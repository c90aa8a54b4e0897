import { isUserError } from '../../src/errors/user-error';

/**
 * "No input ever produces an internal error": the one place the property tests decide what counts as a user-facing
 * failure. Today that is `UserError` / `UserErrors`; when the error family gains kinds, only `isExpectedFailure`
 * changes (user and environment kinds are fine, the internal kind is the bug).
 */
export function isExpectedFailure(e: unknown): boolean {
  return isUserError(e);
}

/** Runs `fn`; returns normally when it succeeds or fails with a user error, and throws (keeping the stack) otherwise. */
export async function expectNoInternalError(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (isExpectedFailure(e)) return;
    const error = new Error(`internal error (not a user error): ${(e as Error)?.stack ?? String(e)}`);
    throw error;
  }
}

/** The CLI's exit code for an internal error (main.ts). */
export const INTERNAL_ERROR_EXIT = 70;
