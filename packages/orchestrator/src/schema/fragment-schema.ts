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
  image: z.string().min(1).describe('Repository of the image this fragment builds, e.g. `dynamo/nixl` or `dynamo/runtime-${backend}`.'),
  description: z.string().optional().describe('One line for `fragments list` and the nx project view.'),
  uses: z.record(ArgName, z.string().min(1)).default({}).describe("ARG -> upstream fragment; the orchestrator passes the upstream node's image reference."),
  bases: z.record(ArgName, z.string().min(1)).default({}).describe('ARG -> key under `images` in pins.yaml; the orchestrator passes the pinned reference for the platform.'),
  pins: z.record(ArgName, z.string().min(1)).default({}).describe('ARG -> key under `versions` in pins.yaml.'),
  downloads: z.record(ArgName, z.string().min(1)).default({}).describe('ARG prefix -> key under `downloads` in pins.yaml; passes `<PREFIX>_URL` and `<PREFIX>_SHA256`.'),
  args: z.record(ArgName, ScalarString).default({}).describe('ARG -> literal value.'),
  target: z.string().min(1).optional().describe('Stage of the Dockerfile to build (default: the last one).'),
  platforms: z.array(Platform).min(1).optional().describe('Platforms this fragment can be built for (default: `platforms` in pins.yaml).'),
  context: z.string().min(1).default('.').describe('Build context, relative to the fragment folder.'),
  variants: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case identifier'), z.array(VariantValue).min(1)).default({}).describe('Matrix of variant dimensions; each combination becomes its own node.'),
  jit: z.array(z.string().min(1)).optional().describe('Compilers and JIT tools the image may carry at run time (checked by `fragments lint`).'),
  secrets: z
    .record(
      SecretId,
      z.strictObject({
        required: z.boolean().default(false).describe('Missing -> `fragments build` fails before any build (default false: the step must cope without it).'),
        description: z.string().optional().describe('What the secret is, shown in the error that asks for it.'),
      }),
    )
    .default({})
    .describe(
      'Build secrets this fragment mounts (`RUN --mount=type=secret,id=<id>`), by id. Values come from `fragments build --secret id=<id>,env=VAR|src=FILE` (or FRAGMENTS_SECRETS) and never enter the hash, labels, build args or image; only the ids declared here are served to this fragment\'s builds.',
    ),
});

export type FragmentConfig = z.infer<typeof FragmentSchema>;

// Re-exported so callers need only this module to validate pin keys named inside fragment.yaml.
export { PinKey };
