import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'yaml';
import { PinsLockSchema, type PinsLock } from '../schema/pins-schema';
import { LOCK_FILE } from '../workspace/paths';
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
  const doc = new Document(sorted);
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
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

/** Writes `<root>/pins.lock.yaml` atomically (a temp file in the same folder, then rename). Returns its path. */
export function writeLockFile(root: string, lock: PinsLock): string {
  const file = join(root, LOCK_FILE);
  const text = formatLockFile(lock, existingHeader(file) ?? LOCK_HEADER);
  const temp = join(root, `.${LOCK_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw classifySystemError(e, { doing: `writing ${LOCK_FILE}`, where: root });
  }
  return file;
}
