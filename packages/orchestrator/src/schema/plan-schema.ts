import { z } from 'zod';
import { Platform } from './common';

/**
 * The single source of truth for `fragments plan --json` (documented in docs/plan-json.md). Within
 * `fragments-plan/v1` fields are only ever added, never renamed or removed; a breaking change gets a new `schema`.
 */
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

const InputChangesJson = z
  .strictObject({
    dockerfile: z.boolean().describe('The Dockerfile text differs.'),
    target: z.boolean().describe('The target stage differs.'),
    files: z.array(z.string()).describe('Context files (or folders, for a large context) whose digest differs.'),
    args: z.array(z.string()).describe('Build args whose value differs (upstream image args aside).'),
    upstream: z.array(z.string()).describe('ARGs of upstream nodes whose hash differs.'),
  })
  .describe('What differs from the previous image, read from its labels.');

const NodeStatusJson = z
  .discriminatedUnion('state', [
    z.strictObject({ state: z.literal('up to date') }),
    z.strictObject({ state: z.literal('in registry') }),
    z.strictObject({
      state: z.literal('will build'),
      previous: z
        .strictObject({ tag: z.string().describe('Tag of that image.'), changes: InputChangesJson })
        .nullable()
        .describe('Newest older image of the same node and platform, or null.'),
    }),
  ])
  .describe('Present only when an engine answered (absent with --no-engine).');

const PlanNodeJson = z.strictObject({
  key: z.string().describe('Node id, plus "@<arch>" when several platforms are planned.'),
  id: z.string().describe('<fragment>[.<variant value>...]'),
  fragment: z.string(),
  variant: z.record(z.string(), z.string()).describe('Variant dimension -> value; {} for fragments without variants.'),
  platform: Platform,
  image: z.string().describe('Repository.'),
  hash: Hex64.describe('Content hash of every input (docs/plan-json.md says what it covers).'),
  tag: z.string().describe('<image>:<first 16 hex of hash>'),
  upstream: z.array(z.string()).describe('Keys of the nodes this one uses.'),
  buildArgs: z.record(z.string(), z.string()).describe('Exactly the build args the engine gets.'),
  unlocked: z.array(z.string()).describe('Pins used without a digest/checksum from pins.lock.yaml, e.g. images.cuda-runtime.'),
  status: NodeStatusJson.optional(),
});

export const PlanJsonSchema = z.strictObject({
  schema: z.literal('fragments-plan/v1'),
  root: z.string().describe('Folder holding pins.yaml and fragments/.'),
  profile: z.string().nullable().describe('profiles/<name>.yaml applied over pins.yaml, or null.'),
  platforms: z.array(Platform).describe("Platforms planned (default: this machine's)."),
  nodes: z.array(PlanNodeJson).describe('Build order: every node after the nodes it uses.'),
});

export type PlanJson = z.infer<typeof PlanJsonSchema>;
export type PlanNodeStatusJson = z.infer<typeof NodeStatusJson>;
