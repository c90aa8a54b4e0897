import { z } from 'zod';

/** A Dockerfile ARG name, as BuildKit accepts it. */
export const ArgName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Dockerfile ARG name (letters, digits, underscore; not starting with a digit)');

/** Keys into pins.yaml sections: lower-case words joined by `-`, `_` or `.`. */
export const PinKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "-" or "_" (e.g. cuda-devel)');

/** The platforms the Engine API builds one at a time (`/build?platform=`). */
export const Platform = z
  .string()
  .regex(/^linux\/(amd64|arm64|arm\/v7|ppc64le|s390x)$/, 'must be a platform such as linux/amd64 or linux/arm64');
export type Platform = z.infer<typeof Platform>;

/** Literal values in YAML may be written as numbers or booleans; Docker build args are strings. */
export const ScalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** A value that is the same for every platform, or given per platform. */
export function perPlatform<T extends z.ZodType>(value: T) {
  return z.union([value, z.record(Platform, value)]);
}
