import { z } from 'zod';
import { FragmentSchema } from './fragment-schema';
import { PinsLockSchema, PinsSchema } from './pins-schema';
import { PlanJsonSchema } from './plan-schema';

/** One generated JSON Schema file (repository folder `schemas/`), made from the zod schema that is the source of truth. */
export interface JsonSchemaFile {
  /** File name under schemas/. */
  file: string;
  title: string;
  schema: z.ZodType;
  /**
   * `input` for config files: what a person writes (defaults optional, `3.12` accepted where a string is meant);
   * `output` for what the orchestrator writes.
   */
  io: 'input' | 'output';
  /** Where the zod schema lives, for the "generated from" note. */
  source: string;
}

export const SCHEMAS_DIR = 'schemas';

export const JSON_SCHEMA_FILES: readonly JsonSchemaFile[] = [
  { file: 'fragment.schema.json', title: 'fragments/<name>/fragment.yaml', schema: FragmentSchema, io: 'input', source: 'packages/orchestrator/src/schema/fragment-schema.ts' },
  { file: 'pins.schema.json', title: 'pins.yaml and profiles/<name>.yaml', schema: PinsSchema, io: 'input', source: 'packages/orchestrator/src/schema/pins-schema.ts' },
  { file: 'pins-lock.schema.json', title: 'pins.lock.yaml', schema: PinsLockSchema, io: 'input', source: 'packages/orchestrator/src/schema/pins-schema.ts' },
  { file: 'plan.schema.json', title: 'fragments plan --json (fragments-plan/v1)', schema: PlanJsonSchema, io: 'output', source: 'packages/orchestrator/src/schema/plan-schema.ts' },
];

/** The checked-in text of one schema file: stable key order, two-space indent, final newline. */
export function jsonSchemaText(entry: JsonSchemaFile): string {
  const { $schema, ...rest } = z.toJSONSchema(entry.schema, { io: entry.io, target: 'draft-2020-12' });
  const document = {
    $schema,
    $comment: `Generated from ${entry.source} by \`npm run generate:schemas\`; do not edit.`,
    title: entry.title,
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The first line that points an editor (the YAML language server) at a config file's schema. */
export const SCHEMA_COMMENT = /^# yaml-language-server: \$schema=(\S+)\s*$/;

export function schemaComment(relativePath: string): string {
  return `# yaml-language-server: $schema=${relativePath}`;
}
