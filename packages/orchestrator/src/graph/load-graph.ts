import { join } from 'node:path';
import { buildGraph, type FragmentGraph } from './fragment-graph';
import { digestCacheDir } from '../workspace/cache-location';
import { directConfigReader, type ConfigReader } from '../workspace/config-reader';
import { loadFragments } from '../workspace/load-fragments';
import { loadPins } from '../workspace/load-pins';
import { PARSED_CONFIG_CACHE_FILE, ParsedConfigCache } from '../workspace/parsed-config-cache';

export interface LoadOptions {
  /** Workspace root (holds pins.yaml and fragments/). */
  root: string;
  /** Name of a profiles/<name>.yaml to apply over pins.yaml. */
  profile?: string;
  /**
   * Remember parse results between runs (default true): see ParsedConfigCache. Off, every file is parsed with
   * yaml, zod and dockerfile-ast, as `lint` does anyway.
   */
  parseCache?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Reads pins, the profile and every fragment, and returns the validated graph. Touches no engine and no git. */
export function loadGraph({ root, profile, parseCache = true, env = process.env }: LoadOptions): FragmentGraph {
  const cache = parseCache ? openParseCache(root, env) : undefined;
  const reader: ConfigReader = cache ?? directConfigReader;
  const pins = loadPins(root, profile, reader);
  const fragments = loadFragments(root, reader);
  const graph = buildGraph(root, fragments, pins);
  // Saved next to the digest cache, and only where that may live: never inside a build context it would change.
  if (cache && sameCacheDir(graph, env, cache)) cache.save();
  return graph;
}

function openParseCache(root: string, env: NodeJS.ProcessEnv): ParsedConfigCache | undefined {
  try {
    return ParsedConfigCache.open(digestCacheDir(root, [], env));
  } catch {
    return undefined; // no usable cache folder: parse directly (the digest cache reports its own problems)
  }
}

function sameCacheDir(graph: FragmentGraph, env: NodeJS.ProcessEnv, cache: ParsedConfigCache): boolean {
  try {
    const contexts = [...graph.nodes.values()].map((n) => n.contextDir);
    return join(digestCacheDir(graph.root, contexts, env), PARSED_CONFIG_CACHE_FILE) === cache.file;
  } catch {
    return false;
  }
}
