// The checked-in JSON Schemas (schemas/*.schema.json, for editors and for readers of the plan JSON) are generated
// from the zod schemas; these tests fail when one is stale, and check that both say the same about real inputs.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { JSON_SCHEMA_FILES, SCHEMAS_DIR, jsonSchemaText } from '../../../src/schema/json-schemas';
import { FragmentSchema } from '../../../src/schema/fragment-schema';
import { PinsLockSchema, PinsSchema } from '../../../src/schema/pins-schema';
import { PlanJsonSchema } from '../../../src/schema/plan-schema';
import { makePlan, planToJson } from '../../../src/plan/make-plan';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace, validWorkspaceFiles } from '../../support/temp-workspace';

const REPO_ROOT = resolve(__dirname, '../../../../..');
const schemaFile = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, SCHEMAS_DIR, file), 'utf8'));
const validator = (file: string) => new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(schemaFile(file));

describe('schemas/*.schema.json', () => {
  it.each(JSON_SCHEMA_FILES.map((e) => [e.file, e] as const))('%s is what `npm run generate:schemas` writes', (file, entry) => {
    expect(readFileSync(join(REPO_ROOT, SCHEMAS_DIR, file), 'utf8')).toBe(jsonSchemaText(entry));
  });

  it('holds no schema that is no longer generated', () => {
    expect(readdirSync(join(REPO_ROOT, SCHEMAS_DIR)).sort()).toEqual(JSON_SCHEMA_FILES.map((e) => e.file).sort());
  });

  it('says where it comes from, and tells editors every field', () => {
    const fragment = schemaFile('fragment.schema.json');
    expect(fragment.$comment).toContain('npm run generate:schemas');
    expect(fragment.additionalProperties).toBe(false);
    expect(fragment.required).toEqual(['image']);
    expect(fragment.properties.uses.description).toMatch(/upstream fragment/);
  });
});

/** zod (what the loader uses) and the JSON Schema (what editors use) accept and refuse the same documents. */
describe('the JSON Schemas agree with zod', () => {
  const cases: [string, { safeParse(v: unknown): { success: boolean } }, string, boolean][] = [
    ['fragment.schema.json', FragmentSchema, 'image: a/b\nargs: { N: 3, OK: true, S: x }\nvariants: { backend: [vllm] }\n', true],
    ['fragment.schema.json', FragmentSchema, 'image: a/b\nusess: { A: b }\n', false],
    ['fragment.schema.json', FragmentSchema, 'image: a/b\nuses: { 1A: b }\n', false],
    ['fragment.schema.json', FragmentSchema, 'image: a/b\nplatforms: [linux/riscv64]\n', false],
    ['fragment.schema.json', FragmentSchema, 'description: no image\n', false],
    ['fragment.schema.json', FragmentSchema, 'image: a/b\nvariants: { backend: [] }\n', false],
    ['pins.schema.json', PinsSchema, 'images:\n  ubuntu: docker.io/library/Ubuntu:24.04\n  multi: { linux/amd64: a/b:1, linux/arm64: a/c:1 }\nversions: { py: 3.12 }\n', true],
    ['pins.schema.json', PinsSchema, 'downloads:\n  tool: { url: { linux/amd64: "https://x/t.tgz" } }\n', true],
    ['pins.schema.json', PinsSchema, 'downloads:\n  tool: { url: "ftp://x/t.tgz" }\n', false],
    ['pins.schema.json', PinsSchema, 'images:\n  Ubuntu: a/b:1\n', false],
    ['pins-lock.schema.json', PinsLockSchema, `images:\n  bb:\n    linux/amd64: { ref: "a/b:1", digest: "sha256:${'a'.repeat(64)}" }\ndownloads: {}\n`, true],
    ['pins-lock.schema.json', PinsLockSchema, 'images:\n  bb:\n    linux/amd64: { ref: "a/b:1", digest: "sha256:abc" }\n', false],
  ];
  it.each(cases)('%s, case %#', (file, zod, yaml, valid) => {
    const value = parse(yaml);
    expect(zod.safeParse(value).success).toBe(valid);
    expect(validator(file)(value)).toBe(valid);
  });
});

describe('plan.schema.json describes `fragments plan --json`', () => {
  it('validates a real plan, and one with every status', async () => {
    const ws = tempWorkspace(validWorkspaceFiles());
    try {
      const json = planToJson(await makePlan(loadGraph({ root: ws.root }), { targets: ['top'], platforms: ['linux/amd64', 'linux/arm64'] }));
      const validate = validator('plan.schema.json');
      expect(validate(json)).toBe(true);
      expect(PlanJsonSchema.parse(json)).toEqual(json);
      const changes = { dockerfile: false, target: false, files: ['a.txt'], args: [], upstream: ['BASE'] };
      json.nodes[0].status = { state: 'up to date' };
      json.nodes[1].status = { state: 'will build', previous: null };
      json.nodes[2].status = { state: 'will build', previous: { tag: 'test/top-a:0123456789abcdef', changes } };
      json.nodes[3].status = { state: 'in registry' };
      expect(validate(json)).toBe(true);
      expect(PlanJsonSchema.safeParse(json).success).toBe(true);
      (json.nodes[3] as { status: unknown }).status = { state: 'gone' };
      expect(validate(json)).toBe(false);
      expect(PlanJsonSchema.safeParse(json).success).toBe(false);
    } finally {
      ws.remove();
    }
  });
});
