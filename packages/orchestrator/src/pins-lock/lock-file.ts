import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/write-file-atomic';
import { join } from 'node:path';
import { Document } from 'yaml';
import { SCHEMA_COMMENT } from '../schema/json-schemas';
import { PinsLockSchema, type PinsLock } from '../schema/pins-schema';
import { LOCK_FILE, PINS_FILE } from '../workspace/paths';
import { classifySystemError } from '../errors/system-error';

/** Written above the entries unless the file already starts with its own comment (which is then kept). */
export const LOCK_HEADER = [
  ' pins.lock.yaml: what each image tag and download URL of pins.yaml resolved to, per platform.',
  ' Written by `fragments pins lock`; do not edit by hand. Images hold the per-platform manifest digest',
  ' (builds pass ref@digest to /build?platform=), downloads the sha256 of the file. An entry applies only while',
  ' its ref/url is the one in force, so a changed pin is reported as not locked instead of silently pinned.',
].join('\n');

/** The lock as YAML: sections, keys and platforms sorted, entry fields in a fixed order; byte-stable for equal input. */
export function formatLockFile(lock: PinsLock, header: string = LOCK_HEADER): string {
  const sorted = {
    images: Object.fromEntries(
      Object.keys(lock.images)
        .sort()
        .map((key) => [key, Object.fromEntries(Object.keys(lock.images[key]).sort().map((p) => [p, { ref: lock.images[key][p].ref, digest: lock.images[key][p].digest }]))]),
    ),
    downloads: Object.fromEntries(
      Object.keys(lock.downloads)
        .sort()
        .map((key) => [key, Object.fromEntries(Object.keys(lock.downloads[key]).sort().map((p) => [p, { url: lock.downloads[key][p].url, sha256: lock.downloads[key][p].sha256 }]))]),
    ),
  };
  PinsLockSchema.parse(sorted); // never write a file the loader would refuse
  // Written as text, not as the document's comment: the YAML printer turns a bare `#` line into a blank line, and
  // the next rewrite would then keep only the header lines above it.
  const comment = header.split('\n').map((line) => `#${line}\n`).join('');
  return comment + new Document(sorted).toString({ lineWidth: 0 });
}

/**
 * The editor-schema line for the lock, following pins.yaml's: when pins.yaml starts with
 * `# yaml-language-server: $schema=<dir>/pins.schema.json`, the lock beside it gets `<dir>/pins-lock.schema.json`.
 * Undefined when pins.yaml names no schema (a workspace outside this repository has none to point at).
 */
export function lockSchemaComment(root: string): string | undefined {
  let first: string;
  try {
    first = readFileSync(join(root, PINS_FILE), 'utf8').split(/\r?\n/, 1)[0];
  } catch {
    return undefined;
  }
  const path = SCHEMA_COMMENT.exec(first)?.[1];
  if (!path || !/(^|\/)pins\.schema\.json$/.test(path)) return undefined;
  return ` yaml-language-server: $schema=${path.replace(/pins\.schema\.json$/, 'pins-lock.schema.json')}`;
}

/** The header with the schema line first, unless it already names a schema (or there is none to name). */
function withSchemaComment(header: string, schemaComment: string | undefined): string {
  if (!schemaComment || header.split('\n').some((line) => SCHEMA_COMMENT.test(`#${line}`))) return header;
  return `${schemaComment}\n${header}`;
}

/**
 * The comment lines at the very top of an existing lock file (without their `#`), to keep them when rewriting.
 * Read as text: the YAML parser attaches a comment that is not followed by a blank line to the first key instead.
 */
export function existingHeader(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const header: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('#')) break;
    header.push(line.slice(1));
  }
  return header.length > 0 ? header.join('\n') : undefined;
}

/**
 * Writes `<root>/pins.lock.yaml` atomically (a temp file in the same folder, then rename), keeping the file's own
 * header comment (with its `yaml-language-server` schema line). Returns its path.
 */
export function writeLockFile(root: string, lock: PinsLock): string {
  const file = join(root, LOCK_FILE);
  const text = formatLockFile(lock, withSchemaComment(existingHeader(file) ?? LOCK_HEADER, lockSchemaComment(root)));
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw classifySystemError(e, { doing: `writing ${LOCK_FILE}`, where: root });
  }
  return file;
}
