// Every config YAML of the repository points editors at its JSON Schema on its first line, and validates against
// it. Files are found by walking the repository, so new fragments and examples are checked without a list here.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { parseYamlConfig } from '../../../src/config/read-yaml-config';
import { UserErrors } from '../../../src/errors/user-error';
import { FragmentSchema } from '../../../src/schema/fragment-schema';
import { SCHEMA_COMMENT, SCHEMAS_DIR, schemaComment } from '../../../src/schema/json-schemas';

const REPO_ROOT = resolve(__dirname, '../../../../..');
/** Not config files of the repository: dependencies, build output, and test fixtures (some broken on purpose). */
const SKIP_DIRS = new Set(['node_modules', '.git', '.nx', 'dist', 'fixtures']);

/** The schema a config file follows, by its name and place; undefined for YAML that is not a fragments config. */
function schemaOf(file: string): string | undefined {
  const name = basename(file);
  if (name === 'fragment.yaml') return 'fragment.schema.json';
  if (name === 'pins.yaml') return 'pins.schema.json';
  if (name === 'pins.lock.yaml') return 'pins-lock.schema.json';
  if (basename(dirname(file)) === 'profiles' && name.endsWith('.yaml') && existsSync(join(dirname(file), '..', 'pins.yaml'))) return 'pins.schema.json';
  return undefined;
}

function configFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : configFiles(path);
    return entry.isFile() && schemaOf(path) ? [path] : [];
  });
}

const files = configFiles(REPO_ROOT).map((f) => relative(REPO_ROOT, f)).sort();
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });

describe('config YAML files of the repository', () => {
  it('are found: the real workspace and the example', () => {
    expect(files).toEqual(expect.arrayContaining(['pins.yaml', 'pins.lock.yaml', 'fragments/runtime/fragment.yaml', 'profiles/upstream.yaml', 'examples/offline-stack/pins.yaml', 'examples/offline-stack/profiles/local.yaml']));
  });

  it.each(files)('%s names its schema on the first line and validates against it', (file) => {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    const expected = relative(dirname(join(REPO_ROOT, file)), join(REPO_ROOT, SCHEMAS_DIR, schemaOf(file)!));
    const first = text.split('\n', 1)[0];
    expect(first).toBe(schemaComment(expected));
    const schemaPath = join(dirname(join(REPO_ROOT, file)), SCHEMA_COMMENT.exec(first)![1]);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    const valid = validate(parse(text) ?? {});
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('the schema line changes nothing for the loader', () => {
  it('reports errors at the line they are on', () => {
    const text = `${schemaComment('../../schemas/fragment.schema.json')}\n# a comment\nimage: a/b\nuses: { A: 1 }\n`;
    try {
      parseYamlConfig(text, FragmentSchema, 'fragments/x/fragment.yaml');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(UserErrors);
      expect((e as UserErrors).format()).toContain('fragments/x/fragment.yaml:4: uses.A:');
    }
  });
});
