import type { Parameters } from 'fast-check';

/**
 * Shared fast-check settings, modest so the unit suite stays fast. A failure prints its seed and path; replay it
 * with FRAGMENTS_PROPERTY_SEED=<seed> (and FRAGMENTS_PROPERTY_PATH=<path>), or search harder with
 * FRAGMENTS_PROPERTY_RUNS=<n>.
 */
export function propertyOptions<T>(numRuns = 150): Parameters<T> {
  const env = process.env;
  return {
    numRuns: env.FRAGMENTS_PROPERTY_RUNS ? Number(env.FRAGMENTS_PROPERTY_RUNS) : numRuns,
    ...(env.FRAGMENTS_PROPERTY_SEED ? { seed: Number(env.FRAGMENTS_PROPERTY_SEED) } : {}),
    ...(env.FRAGMENTS_PROPERTY_PATH ? { path: env.FRAGMENTS_PROPERTY_PATH } : {}),
  };
}
