import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FRAGMENTS_DIR, FRAGMENT_FILE, PINS_FILE, isUserError } from '@dynamo-build/orchestrator';
import { DependencyType, type CreateDependencies, type CreateNodes, type RawProjectGraphDependency } from '@nx/devkit';
import { inferenceCodeVersion } from './code-version';
import { inferenceCacheFile, inferenceKey, readInferenceCache, writeInferenceCache } from './inference-cache';
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

/** The inference of the workspace, from the cache when nothing it reads (files, options, code) has changed. */
function cachedInference(workspaceRoot: string, rawOptions: FragmentsPluginOptions | undefined): InferredFragment[] {
  const key = inferenceKey(workspaceRoot, rawOptions, inferenceCodeVersion());
  const file = inferenceCacheFile(workspaceRoot);
  const hit = readInferenceCache<InferredFragment[]>(file, key);
  if (hit) return hit;
  let inferred: InferredFragment[];
  try {
    inferred = inferFragments(workspaceRoot, normalizeOptions(rawOptions));
  } catch (e) {
    // A broken fragment.yaml is the user's to fix: show the orchestrator's file:line message, not a stack.
    if (isUserError(e)) throw new Error(`${PLUGIN_NAME}: ${e.format()}`);
    throw e;
  }
  writeInferenceCache(file, key, inferred);
  return inferred;
}
