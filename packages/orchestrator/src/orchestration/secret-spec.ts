// `--secret` values in buildx's syntax, and reading what they point at. Nothing here prints a secret's value: errors
// name the id, the variable or the file, never the content.

import { readFileSync } from 'node:fs';
import { UserError } from '../errors/user-error';

/** One `--secret` flag: where the value of secret `id` comes from. */
export interface SecretSpec {
  id: string;
  /** Exactly one of env / file after parsing. */
  env?: string;
  file?: string;
  /** The flag as given (for error messages; it holds names, never values). */
  spec: string;
}

/** How to hand a secret to `fragments build`, for hints. */
export function secretHint(id: string): string {
  return `pass --secret id=${id},env=VARIABLE or --secret id=${id},src=FILE (or add "id=${id},env=VARIABLE" to FRAGMENTS_SECRETS, ";"-separated)`;
}

/**
 * Parses `id=ID[,env=VAR|,src=FILE]` the way buildx does: `type=env|file` selects the kind (with `type=env`, `src=`
 * names the variable), `source=` is `src=`, and with neither `env` nor `src` the variable named ID is used when set,
 * else the file named ID (BuildKit's secretsprovider).
 */
export function parseSecretSpec(spec: string, env: NodeJS.ProcessEnv = process.env): SecretSpec {
  const fields: Record<string, string> = {};
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw bad(spec, `field "${field}" must be a key=value pair`);
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1);
    if (!['type', 'id', 'src', 'source', 'env'].includes(key)) throw bad(spec, `unexpected key "${key}"`);
    fields[key === 'source' ? 'src' : key] = value;
  }
  const type = fields.type;
  if (type !== undefined && type !== 'env' && type !== 'file') throw bad(spec, `unsupported secret type "${type}" (env or file)`);
  const id = fields.id;
  if (!id) throw bad(spec, 'the secret id is missing (id=ID)');
  let envName: string | undefined = fields.env;
  let file: string | undefined = fields.src;
  if (type === 'env' && !envName) [envName, file] = [file ?? id, undefined];
  if (type === 'file' && !file && !envName) file = id;
  if (envName !== undefined && file !== undefined) throw bad(spec, 'give either env= or src=, not both');
  if (envName === undefined && file === undefined) {
    if (env[id] !== undefined) envName = id;
    else file = id;
  }
  return { id, spec, ...(envName !== undefined ? { env: envName } : { file }) };
}

/** `FRAGMENTS_SECRETS="id=a,env=A;id=b,src=/run/b"`: the nx target and CI pass secrets this way. */
export function secretSpecsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.FRAGMENTS_SECRETS ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Reads every secret's value now, before any build, so an unset variable or unreadable file stops the run with a
 * message naming it. A later flag for the same id wins (as with buildx).
 */
export function readSecrets(specs: readonly SecretSpec[], env: NodeJS.ProcessEnv = process.env): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const s of specs) {
    if (s.env !== undefined) {
      const value = env[s.env];
      if (value === undefined) {
        throw new UserError(`secret ${s.id}: environment variable ${s.env} is not set`, { field: `--secret ${s.spec}` }, `export ${s.env}, or pass the secret from a file: --secret id=${s.id},src=FILE`);
      }
      values.set(s.id, Buffer.from(value, 'utf8'));
    } else {
      try {
        values.set(s.id, readFileSync(s.file!));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new UserError(`secret ${s.id}: cannot read file ${s.file} (${code})`, { field: `--secret ${s.spec}` }, `check the path, or pass the secret from a variable: --secret id=${s.id},env=VARIABLE`);
      }
    }
  }
  return values;
}

function bad(spec: string, why: string): UserError {
  return new UserError(`invalid --secret "${spec}": ${why}`, { field: '--secret' }, 'use buildx\'s syntax: id=ID[,env=VARIABLE|,src=FILE] (also type=env|file)');
}
