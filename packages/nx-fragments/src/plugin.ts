import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FRAGMENTS_DIR, FRAGMENT_FILE, LOCK_FILE, PINS_FILE, PROFILES_DIR, isUserError } from '@dynamo-build/orchestrator';
import { DependencyType, type CreateDependencies, type CreateNodes, type RawProjectGraphDependency } from '@nx/devkit';
import { PluginCache, workspaceDataDirectory } from '@nx/devkit/internal';
import { inferFragments, type InferredFragment } from './inferred-projects';
import { normalizeOptions, type FragmentsPluginOptions } from './plugin-options';

/** Only top-level fragment folders: examples/ and test fixtures hold their own workspaces, built with --root. */
export const fragmentConfigGlob = `${FRAGMENTS_DIR}/*/${FRAGMENT_FILE}`;

const PLUGIN_NAME = '@dynamo-build/nx-fragments';

export const createNodes: CreateNodes<FragmentsPluginOptions> = [
  fragmentConfigGlob,
  (configFiles, rawOptions, context) => {
    const inferred = cachedInference(context.workspaceRoot, rawOptions);
    const byConfig = new Map(inferred.map((f) => [f.configFile, f]));
    return configFiles.flatMap((file) => {
      const fragment = byConfig.get(file);
      if (!fragment) return [];
      const options = normalizeOptions(rawOptions);
      return [
        [
          file,
          {
            projects: {
              [fragment.root]: {
                name: fragment.name,
                root: fragment.root,
                projectType: 'application' as const,
                tags: ['fragment'],
                metadata: { description: fragment.description },
                targets: { [options.targetName]: fragment.target, render: fragment.renderTarget },
              },
            },
          },
        ] as const,
      ];
    });
  },
];

/** nx 23 made the V2 signature the only one; export both names so older and newer nx versions load the plugin. */
export const createNodesV2 = createNodes;

/** Project dependencies follow `uses:`, recorded against the fragment.yaml that declares them. */
export const createDependencies: CreateDependencies<FragmentsPluginOptions> = (rawOptions, context) => {
  const dependencies: RawProjectGraphDependency[] = [];
  // nx calls this even when no fragment.yaml matched: a workspace without fragments has no edges, not an error.
  if (!existsSync(join(context.workspaceRoot, PINS_FILE)) && !existsSync(join(context.workspaceRoot, FRAGMENTS_DIR))) return dependencies;
  for (const fragment of cachedInference(context.workspaceRoot, rawOptions)) {
    for (const upstream of fragment.usesFragments) {
      dependencies.push({ source: fragment.name, target: upstream, type: DependencyType.static, sourceFile: fragment.configFile });
    }
  }
  return dependencies;
};

/**
 * Inference reads every fragment (uses: resolves across fragments), so the cache key covers every file inference
 * reads: each fragment.yaml and Dockerfile, pins, lock and profiles, and the options.
 */
function cachedInference(workspaceRoot: string, rawOptions: FragmentsPluginOptions | undefined): InferredFragment[] {
  const key = inferenceKey(workspaceRoot, rawOptions);
  const cache = new PluginCache<InferredFragment[]>(join(workspaceDataDirectory, 'nx-fragments-inference.hash'));
  const hit = cache.get(key);
  if (hit) return hit;
  let inferred: InferredFragment[];
  try {
    inferred = inferFragments(workspaceRoot, normalizeOptions(rawOptions));
  } catch (e) {
    // A broken fragment.yaml is the user's to fix: show the orchestrator's file:line message, not a stack.
    if (isUserError(e)) throw new Error(`${PLUGIN_NAME}: ${e.format()}`);
    throw e;
  }
  cache.set(key, inferred);
  cache.writeToDisk();
  return inferred;
}

function inferenceKey(workspaceRoot: string, rawOptions: FragmentsPluginOptions | undefined): string {
  const hash = createHash('sha256').update(JSON.stringify(rawOptions ?? {}));
  // The plugin's own code is an input too: a new version must not serve targets cached by an old one.
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.js')).sort()) hash.update(readFileSync(join(__dirname, file)));
  const add = (file: string) => {
    hash.update(`\0${file}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
  };
  [PINS_FILE, LOCK_FILE].forEach((f) => add(join(workspaceRoot, f)));
  for (const dirName of [PROFILES_DIR, FRAGMENTS_DIR]) {
    const dir = join(workspaceRoot, dirName);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (dirName === PROFILES_DIR) add(join(dir, entry));
      else [FRAGMENT_FILE, 'Dockerfile'].forEach((f) => add(join(dir, entry, f)));
    }
  }
  return hash.digest('hex');
}
