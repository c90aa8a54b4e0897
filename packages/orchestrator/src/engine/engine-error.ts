import { EnvironmentError, isFragmentsError } from '../errors/fragments-error';
import { classifySystemError } from '../errors/system-error';

/** What to do when the engine fails: most often it stopped, or DOCKER_HOST points elsewhere. */
export const ENGINE_HINT = 'check that the engine runs (`docker info`; DOCKER_HOST selects it); a rerun rebuilds only what did not finish';

/**
 * The classifier at the engine boundary: a socket error (ECONNREFUSED, ECONNRESET, a response that broke off) or an
 * HTTP 5xx from the Engine API becomes an EnvironmentError naming what we were doing and the engine's address.
 * Errors already in the family pass unchanged; anything else is returned as it is (a bug: the CLI prints its stack).
 */
export function engineError(engine: { address: string }, e: unknown, doing: string): unknown {
  if (isFragmentsError(e)) return e;
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number') {
    // docker-modem's "(HTTP code 500) server error - <message>": keep the engine's own message.
    const detail = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message;
    return new EnvironmentError(`${doing}: the engine answered HTTP ${status}: ${detail}`, { where: `engine ${engine.address}`, hint: status >= 500 ? ENGINE_HINT : undefined, cause: e });
  }
  return classifySystemError(e, { doing, where: `engine ${engine.address}`, hint: ENGINE_HINT });
}

/** Runs one engine request, classifying its failure (see engineError). */
export async function onEngine<T>(engine: { address: string }, doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (e) {
    throw engineError(engine, e, doing);
  }
}
