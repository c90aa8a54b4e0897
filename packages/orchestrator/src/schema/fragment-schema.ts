import { z } from 'zod';
import { ArgName, PinKey, Platform, ScalarString } from './common';

/**
 * The single source of truth for `fragments/<name>/fragment.yaml`. Types derive from it; unknown keys are errors.
 * Every string below may contain `${variable}` references to the fragment's own `variants` dimensions.
 */
const VariantValue = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_" (it becomes part of a node id and image name)');

/** Same alphabet as BuildKit's secret ids in practice (and what fits a file name under /run/secrets). */
const SecretId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-" (a BuildKit secret id)');

export const FragmentSchema = z.strictObject({
  /** Repository of the image this fragment builds, e.g. `dynamo/nixl` or `dynamo/runtime-${backend}`. */
  image: z.string().min(1),
  /** One line for `fragments list` and the nx project view. */
  description: z.string().optional(),
  /** ARG -> upstream fragment; the orchestrator passes the upstream node's image reference. */
  uses: z.record(ArgName, z.string().min(1)).default({}),
  /** ARG -> key under `images` in pins.yaml; the orchestrator passes the pinned reference for the platform. */
  bases: z.record(ArgName, z.string().min(1)).default({}),
  /** ARG -> key under `versions` in pins.yaml. */
  pins: z.record(ArgName, z.string().min(1)).default({}),
  /** ARG prefix -> key under `downloads` in pins.yaml; passes `<PREFIX>_URL` and `<PREFIX>_SHA256`. */
  downloads: z.record(ArgName, z.string().min(1)).default({}),
  /** ARG -> literal value. */
  args: z.record(ArgName, ScalarString).default({}),
  /** Stage of the Dockerfile to build (default: the last one). */
  target: z.string().min(1).optional(),
  /** Platforms this fragment can be built for (default: `platforms` in pins.yaml). */
  platforms: z.array(Platform).min(1).optional(),
  /** Build context, relative to the fragment folder. */
  context: z.string().min(1).default('.'),
  /** Matrix of variant dimensions; each combination becomes its own node. */
  variants: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case identifier'), z.array(VariantValue).min(1)).default({}),
  /** Compilers and JIT tools the image may carry at run time (checked by `fragments lint`). */
  jit: z.array(z.string().min(1)).optional(),
  /**
   * Build secrets this fragment mounts (`RUN --mount=type=secret,id=<id>`), by id. Values come from
   * `fragments build --secret id=<id>,env=VAR|src=FILE` (or FRAGMENTS_SECRETS) and never enter the hash, labels,
   * build args or image; only the ids declared here are served to this fragment's builds. A required secret with no
   * source stops the build before anything runs.
   */
  secrets: z
    .record(
      SecretId,
      z.strictObject({
        /** Missing → `fragments build` fails before any build (default: false, the step must cope without it). */
        required: z.boolean().default(false),
        /** What the secret is, shown in the error that asks for it. */
        description: z.string().optional(),
      }),
    )
    .default({}),
});

export type FragmentConfig = z.infer<typeof FragmentSchema>;

// Re-exported so callers need only this module to validate pin keys named inside fragment.yaml.
export { PinKey };
