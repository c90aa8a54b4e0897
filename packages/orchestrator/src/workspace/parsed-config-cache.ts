import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lineOfFromTable, type FieldLines } from '../config/field-lines';
import { writeFileAtomic } from '../files/write-file-atomic';
import type { LoadedConfig } from '../config/read-yaml-config';
import type { ArgDeclaration, DockerfileFacts, FromLine } from '../dockerfile/dockerfile-facts';
import { directConfigReader, parseConfigText, parseDockerfileText, type ConfigKind, type ConfigKinds, type ConfigReader } from './config-reader';

/** File name inside the cache folder; a new format gets a new name, so versions never read each other's files. */
export const PARSED_CONFIG_CACHE_FILE = 'parsed-config-v1.json';

/** Entries kept (a workspace has a few dozen files; tests and profiles add more): the least recently used go first. */
const MAX_ENTRIES = 2_000;

type CachedYaml = { kind: 'yaml'; value: unknown; lines: FieldLines };
type CachedDockerfile = {
  kind: 'dockerfile';
  facts: Omit<DockerfileFacts, 'globalArgs' | 'allArgs'> & { globalArgs: [string, ArgDeclaration][]; allArgs: [string, ArgDeclaration][] };
};
type Entry = CachedYaml | CachedDockerfile;

interface CacheFile {
  /** Identity of the parsing code (see parserCodeId): results of other code are never used. */
  code: string;
  /** Key (see keyOf) -> result, least recently used first. */
  entries: Record<string, Entry>;
}

/**
 * Remembers what parsing and validating each workspace file gave (yaml + zod for configs, dockerfile-ast for
 * Dockerfiles), keyed by a digest of the file's bytes, its display name and its kind. Loading those libraries is
 * most of the CLI's start-up, and a workspace's files rarely change between two runs: a run whose files are all
 * known loads none of them.
 *
 * - Content-keyed, not stamp-keyed: each file is still read (a few KB), so an edit within the same second, a
 *   restored mtime or a checkout are always seen, and no racy-timestamp rule is needed.
 * - Only successful parses are kept: a broken file is parsed, and reported, every time.
 * - Results of other parsing code (another orchestrator build, another yaml/zod/dockerfile-ast) are ignored.
 * - The file is replaced atomically; a file that does not decode is ignored and rewritten; failing to read or write
 *   it never fails a command (the cache only saves time).
 */
export class ParsedConfigCache implements ConfigReader {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Set<string>();
  private dirty = false;
  /** Lookups answered from the cache, and parses: for tests and benchmarks. */
  readonly stats = { hits: 0, misses: 0 };

  private constructor(
    readonly file: string,
    private readonly code: string,
  ) {
    this.entries = readEntries(file, code);
  }

  /** The cache kept in `dir` (the digest cache's folder, see digestCacheDir). */
  static open(dir: string): ParsedConfigCache {
    return new ParsedConfigCache(join(dir, PARSED_CONFIG_CACHE_FILE), parserCodeId());
  }

  yaml<K extends ConfigKind>(kind: K, file: string, displayName: string): LoadedConfig<ConfigKinds[K]> {
    const text = readText(file);
    if (text === undefined) return directConfigReader.yaml(kind, file, displayName); // reports the read error
    const key = keyOf(kind, displayName, text);
    const hit = this.lookup(key);
    if (hit?.kind === 'yaml') return { file: displayName, value: hit.value as ConfigKinds[K], lineOf: lineOfFromTable(hit.lines) };
    const loaded = parseConfigText(kind, text, displayName);
    // Values went through zod: plain JSON data (records, arrays, strings, numbers, booleans).
    this.store(key, { kind: 'yaml', value: loaded.value, lines: loaded.fieldLines?.() ?? {} });
    return loaded;
  }

  dockerfile(file: string, displayName: string): DockerfileFacts {
    const text = readText(file);
    if (text === undefined) return directConfigReader.dockerfile(file, displayName);
    const key = keyOf('dockerfile', displayName, text);
    const hit = this.lookup(key);
    if (hit?.kind === 'dockerfile') return { ...hit.facts, globalArgs: new Map(hit.facts.globalArgs), allArgs: new Map(hit.facts.allArgs) };
    const facts = parseDockerfileText(text, displayName);
    this.store(key, { kind: 'dockerfile', facts: { ...facts, globalArgs: [...facts.globalArgs], allArgs: [...facts.allArgs] } });
    return facts;
  }

  /** Writes the cache if anything was parsed; a failure to write is ignored (the next run parses again). */
  save(): void {
    if (!this.dirty) return;
    // Most recently used last: what this run used moves to the end, the oldest beyond the bound are dropped.
    const ordered = [...this.entries.keys()].filter((k) => !this.used.has(k)).concat([...this.used].filter((k) => this.entries.has(k)));
    const kept = ordered.slice(Math.max(0, ordered.length - MAX_ENTRIES));
    const content: CacheFile = { code: this.code, entries: Object.fromEntries(kept.map((k) => [k, this.entries.get(k)!])) };
    try {
      writeFileAtomic(this.file, JSON.stringify(content), { createFolder: true });
      this.dirty = false;
    } catch {
      // not written: the next run parses again
    }
  }

  private lookup(key: string): Entry | undefined {
    const hit = this.entries.get(key);
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    this.used.add(key);
    return hit;
  }

  private store(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.dirty = true;
  }
}

function keyOf(kind: ConfigKind | 'dockerfile', displayName: string, text: string): string {
  return createHash('sha256').update(`${kind}\0${displayName}\0`).update(text).digest('base64url');
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readEntries(file: string, code: string): Map<string, Entry> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed.code !== code || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, e]) => isEntry(e)));
  } catch {
    return new Map(); // missing, truncated or not ours: start empty
  }
}

function isEntry(e: unknown): e is Entry {
  if (typeof e !== 'object' || e === null) return false;
  const entry = e as { kind?: unknown; lines?: unknown; facts?: Partial<CachedDockerfile['facts']> | null };
  if (entry.kind === 'yaml') return typeof entry.lines === 'object' && entry.lines !== null && 'value' in entry;
  if (entry.kind !== 'dockerfile' || typeof entry.facts !== 'object' || entry.facts === null) return false;
  const f = entry.facts;
  return typeof f.text === 'string' && Array.isArray(f.globalArgs) && Array.isArray(f.allArgs) && Array.isArray(f.froms as FromLine[]) && Array.isArray(f.stages);
}

let codeId: string | undefined;

/**
 * Identifies the code whose results the cache holds: the files of the folders that read, validate and describe
 * config files and Dockerfiles (by path, size and mtime: a rebuild or an edit changes them), and the versions of the
 * parsing libraries. Computed once per process, from the code this process runs (dist/ or, under ts-jest, src/).
 */
export function parserCodeId(): string {
  if (codeId) return codeId;
  const hash = createHash('sha256');
  const src = join(__dirname, '..');
  for (const folder of ['config', 'schema', 'dockerfile', 'workspace']) {
    for (const name of readdirSync(join(src, folder)).sort()) {
      const st = lstatSync(join(src, folder, name), { bigint: true });
      hash.update(`${folder}/${name}\0${st.size}\0${st.mtimeNs}\0`);
    }
  }
  for (const lib of ['yaml', 'zod', 'dockerfile-ast']) {
    hash.update(`${lib}@${packageVersion(lib)}\0`);
  }
  codeId = hash.digest('hex');
  return codeId;
}

/**
 * The version in a package's own package.json, looked up the way node resolves a bare name (node_modules folders
 * upwards from this file) but without require.resolve, whose exports handling costs more than the rest of the key.
 */
function packageVersion(lib: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = readJson(join(dir, 'node_modules', lib, 'package.json'));
    if (manifest?.name === lib) return String(manifest.version);
    if (dirname(dir) === dir) return '?';
  }
}

function readJson(file: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}
