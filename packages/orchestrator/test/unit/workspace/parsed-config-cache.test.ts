import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraph } from '../../../src/graph/load-graph';
import { makePlan, planToJson } from '../../../src/plan/make-plan';
import { DigestCache } from '../../../src/hash/digest-cache';
import { parseYamlConfig } from '../../../src/config/read-yaml-config';
import { lineOfFromTable } from '../../../src/config/field-lines';
import { FragmentSchema } from '../../../src/schema/fragment-schema';
import { PARSED_CONFIG_CACHE_FILE, ParsedConfigCache } from '../../../src/workspace/parsed-config-cache';
import { loadFragments } from '../../../src/workspace/load-fragments';
import { loadPins } from '../../../src/workspace/load-pins';
import { UserErrors } from '../../../src/errors/user-error';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

/** Loads the workspace through a fresh cache object (as a new process would) and reports what it answered. */
function loadWith(ws: TempWorkspace, cacheDir: string, profile?: string) {
  const cache = ParsedConfigCache.open(cacheDir);
  const pins = loadPins(ws.root, profile, cache);
  const fragments = loadFragments(ws.root, cache);
  cache.save();
  return { pins, fragments, stats: cache.stats };
}

async function planJson(root: string, env: NodeJS.ProcessEnv) {
  const graph = loadGraph({ root, env });
  return planToJson(await makePlan(graph, { targets: [], platforms: ['linux/amd64'], digestCache: DigestCache.inMemory() }));
}

describe('parsed-config cache', () => {
  let ws: TempWorkspace;
  let cacheDir: string;
  beforeEach(() => {
    ws = tempWorkspace({ ...validWorkspaceFiles(), 'profiles/local.yaml': 'versions: { tool: "2.0" }\n' });
    cacheDir = mkdtempSync(join(tmpdir(), 'fragments-parse-cache-'));
  });
  afterEach(() => {
    ws.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('answers every file of an unchanged workspace from the cache, with the same plan as parsing', async () => {
    const cold = loadWith(ws, cacheDir, 'local');
    expect(cold.stats.hits).toBe(0);
    expect(cold.stats.misses).toBe(2 + 3 * 2); // pins.yaml, the profile, and 3 fragments x (fragment.yaml, Dockerfile)
    const warm = loadWith(ws, cacheDir, 'local');
    expect(warm.stats).toEqual({ hits: 8, misses: 0 });
    expect(warm.fragments.map((f) => f.config)).toEqual(cold.fragments.map((f) => f.config));
    expect(warm.fragments.map((f) => f.facts)).toEqual(cold.fragments.map((f) => f.facts));
    expect([...warm.pins.sources]).toEqual([...cold.pins.sources]);

    const env = { FRAGMENTS_CACHE_DIR: cacheDir };
    const direct = await planJson(ws.root, { FRAGMENTS_CACHE_DIR: join(cacheDir, 'other') });
    expect(await planJson(ws.root, env)).toEqual(direct); // fills
    expect(await planJson(ws.root, env)).toEqual(direct); // answered from the cache
  });

  it('sees an edit that keeps the size and restores the mtime (content-keyed, not stamp-keyed)', () => {
    loadWith(ws, cacheDir);
    const file = join(ws.root, 'fragments/mid/fragment.yaml');
    const before = statSync(file);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('release', 'releasE'));
    utimesSync(file, before.atime, before.mtime);
    const again = loadWith(ws, cacheDir);
    expect(again.stats.misses).toBe(1);
    expect(again.fragments.find((f) => f.name === 'mid')!.config.args).toEqual({ MODE: 'releasE' });
  });

  it('never keeps a broken file: the error is reported on every run, with its line', () => {
    ws.write('fragments/mid/fragment.yaml', 'image: test/mid\nuses: { BASE: base }\nargs: [oops]\n');
    for (let run = 0; run < 2; run++) {
      let thrown: unknown;
      try {
        loadWith(ws, cacheDir);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UserErrors);
      expect((thrown as UserErrors).errors[0].format()).toContain('fragments/mid/fragment.yaml:3');
    }
  });

  it('points errors found after loading at the same lines as the parsed document does', () => {
    const text = 'image: test/x\nuses:\n  A: a\n  B: b\nvariants:\n  flavor:\n    - one\n    - two\nsecrets:\n  token: {}\n';
    const direct = parseYamlConfig(text, FragmentSchema, 'x.yaml');
    const cached = lineOfFromTable(direct.fieldLines!());
    const paths: (string | number)[][] = [[], ['image'], ['uses'], ['uses', 'B'], ['uses', 'missing'], ['variants', 'flavor', 1], ['variants', 'flavor', 7], ['secrets', 'token'], ['nope', 'deeper'], ['constructor']];
    for (const path of paths) expect([path, cached(path)]).toEqual([path, direct.lineOf(path)]);
  });

  it('ignores a corrupt or truncated cache file and rewrites it', () => {
    loadWith(ws, cacheDir);
    const file = join(cacheDir, PARSED_CONFIG_CACHE_FILE);
    const good = readFileSync(file, 'utf8');
    for (const bad of [good.slice(0, good.length / 2), '{"code":"other","entries":{}}', '{"code":1,"entries":{"k":{"kind":"dockerfile","facts":null}}}', 'null']) {
      writeFileSync(file, bad);
      expect(loadWith(ws, cacheDir).stats.hits).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).entries).toBeDefined();
    }
  });

  it('is not written inside a build context (it would change that context on every write)', () => {
    const inside = join(ws.root, 'fragments/base/cache');
    expect(() => loadGraph({ root: ws.root, env: { FRAGMENTS_CACHE_DIR: inside } })).not.toThrow();
    expect(existsSync(join(inside, PARSED_CONFIG_CACHE_FILE))).toBe(false);
    loadGraph({ root: ws.root, env: { FRAGMENTS_CACHE_DIR: cacheDir } });
    expect(existsSync(join(cacheDir, PARSED_CONFIG_CACHE_FILE))).toBe(true);
  });

  it('can be turned off', () => {
    loadGraph({ root: ws.root, parseCache: false, env: { FRAGMENTS_CACHE_DIR: cacheDir } });
    expect(existsSync(join(cacheDir, PARSED_CONFIG_CACHE_FILE))).toBe(false);
  });
});
