import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSecretSpec, readSecrets, secretSpecsFromEnv } from '../../../src/orchestration/secret-spec';
import { UserError } from '../../../src/errors/user-error';

describe('--secret in buildx syntax', () => {
  it('reads id with env= or src= (and source=)', () => {
    expect(parseSecretSpec('id=a,env=A_VAR')).toMatchObject({ id: 'a', env: 'A_VAR' });
    expect(parseSecretSpec('id=b,src=/tmp/b')).toMatchObject({ id: 'b', file: '/tmp/b' });
    expect(parseSecretSpec('id=b,source=/tmp/b')).toMatchObject({ id: 'b', file: '/tmp/b' });
  });

  it('accepts type=env (src names the variable) and type=file', () => {
    expect(parseSecretSpec('type=env,id=t,src=TOKEN')).toMatchObject({ id: 't', env: 'TOKEN' });
    expect(parseSecretSpec('type=env,id=TOKEN')).toMatchObject({ id: 'TOKEN', env: 'TOKEN' });
    expect(parseSecretSpec('type=file,id=f,src=/x')).toMatchObject({ id: 'f', file: '/x' });
  });

  it('with neither env nor src: the variable named id when set, else the file named id (BuildKit)', () => {
    expect(parseSecretSpec('id=HOME_TOKEN', { HOME_TOKEN: 'x' })).toMatchObject({ env: 'HOME_TOKEN' });
    expect(parseSecretSpec('id=token.txt', {})).toMatchObject({ file: 'token.txt' });
  });

  it.each([
    ['env=A', 'id is missing'],
    ['id=a,type=ssh', 'unsupported secret type "ssh"'],
    ['id=a,mode=0400', 'unexpected key "mode"'],
    ['id=a,env=A,src=/b', 'either env= or src='],
    ['id', 'must be a key=value pair'],
  ])('rejects %s with a user error', (spec, message) => {
    expect(() => parseSecretSpec(spec)).toThrow(UserError);
    expect(() => parseSecretSpec(spec)).toThrow(message);
  });

  it('FRAGMENTS_SECRETS holds ;-separated specs', () => {
    expect(secretSpecsFromEnv({ FRAGMENTS_SECRETS: 'id=a,env=A; id=b,src=/b ;' })).toEqual(['id=a,env=A', 'id=b,src=/b']);
    expect(secretSpecsFromEnv({})).toEqual([]);
  });
});

describe('reading secret values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads variables and files; the last flag for an id wins', () => {
    const file = join(dir, 'tok');
    writeFileSync(file, 'from-file');
    const values = readSecrets([parseSecretSpec('id=a,env=A'), parseSecretSpec(`id=b,src=${file}`), parseSecretSpec('id=a,env=A2')], { A: 'one', A2: 'two' });
    expect(values.get('a')!.toString()).toBe('two');
    expect(values.get('b')!.toString()).toBe('from-file');
  });

  it('an unset variable names the secret and the variable, never a value', () => {
    const run = () => readSecrets([parseSecretSpec('id=aws-key-id,env=NOT_SET_ANYWHERE')], {});
    expect(run).toThrow('secret aws-key-id: environment variable NOT_SET_ANYWHERE is not set');
  });

  it('an unreadable file names the secret and the path', () => {
    const missing = join(dir, 'nope');
    expect(() => readSecrets([parseSecretSpec(`id=tok,src=${missing}`)], {})).toThrow(`secret tok: cannot read file ${missing} (ENOENT)`);
  });
});
