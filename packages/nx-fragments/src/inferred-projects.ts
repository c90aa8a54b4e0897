import { posix, relative } from 'node:path';
import { listProfiles, loadGraph, type FragmentGraph } from '@dynamo-build/orchestrator';
import type { TargetConfiguration } from '@nx/devkit';
import type { NormalizedFragmentsPluginOptions } from './plugin-options';

/** What the plugin infers for one fragment: its project and the fragments it uses (project dependencies). */
export interface InferredFragment {
  name: string;
  root: string;
  configFile: string;
  description?: string;
  target: TargetConfiguration;
  /** Writes one self-contained multi-stage Dockerfile per node: a real file, so nx may cache it. */
  renderTarget: TargetConfiguration;
  usesFragments: string[];
}

/**
 * Reads the fragment graph (YAML and Dockerfiles only: no engine, no git) and turns each fragment into an nx project
 * with an image target that runs the orchestrator CLI. The orchestrator, not nx, decides what is up to date: an nx
 * cache hit could not restore an image into the engine, so the target is never cached by nx.
 */
export function inferFragments(workspaceRoot: string, options: NormalizedFragmentsPluginOptions): InferredFragment[] {
  const graph = loadGraph({ root: workspaceRoot });
  const profiles = listProfiles(workspaceRoot);
  return graph.fragments.map((fragment) => {
    const root = toPosix(relative(workspaceRoot, fragment.dir));
    const nodes = [...graph.nodes.values()].filter((n) => n.fragment === fragment);
    const usesFragments = [...new Set(nodes.flatMap((n) => Object.values(n.uses).map((id) => graph.nodes.get(id)!.fragment.name)))].sort();
    return {
      name: fragment.name,
      root,
      configFile: fragment.configFile,
      description: fragment.config.description,
      target: imageTarget(fragment.name, nodes.map((n) => n.id), contextInputs(graph, workspaceRoot, root, nodes.map((n) => n.contextDir)), profiles, options),
      renderTarget: renderTarget(nodes.map((n) => n.id), closureInputs(graph, workspaceRoot, nodes.map((n) => n.id))),
      usesFragments,
    };
  });
}

function imageTarget(name: string, nodeIds: string[], contextInputs: string[], profiles: string[], options: NormalizedFragmentsPluginOptions): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `fragments build ${name}`, cwd: '{workspaceRoot}' },
    // One configuration per profile: `nx run backend-vllm:image:local` builds with profiles/local.yaml. `ci` pushes by
    // hash tag to $FRAGMENTS_REGISTRY (what the registry holds is not rebuilt); tools/ci-affected.sh promotes tags.
    // A profiles/ci.yaml (e.g. the remote sccache) applies to `ci` too. Secrets come from $FRAGMENTS_SECRETS, which
    // the command and every ^image dependency inherit.
    configurations: {
      ...Object.fromEntries(profiles.map((p) => [p, { args: `--profile ${p}` }])),
      ci: { args: `--push --progress plain${profiles.includes('ci') ? ' --profile ci' : ''}` },
    },
    // `^image`, forwarding the command line: `nx run runtime:image --args="--platform=linux/arm64"` must build the
    // upstream images for arm64 too, not for the default platform.
    dependsOn: [{ dependencies: true, target: options.targetName, params: 'forward' }],
    inputs: [
      '{projectRoot}/**/*',
      ...contextInputs,
      '{workspaceRoot}/pins.yaml',
      '{workspaceRoot}/pins.lock.yaml',
      '{workspaceRoot}/profiles/*.yaml',
    ],
    cache: false,
    metadata: {
      technologies: ['docker'],
      description: `Build the image${nodeIds.length > 1 ? 's' : ''} of fragment ${name} (${nodeIds.join(', ')}) through the Docker engine, skipping what is up to date`,
      help: { command: 'fragments build --help', example: { args: ['--platform=linux/arm64'] } },
    },
  };
}

function renderTarget(nodeIds: string[], inputs: string[]): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: {
      commands: nodeIds.map((id) => `fragments render ${id} -o dist/rendered/${id}.Dockerfile`),
      cwd: '{workspaceRoot}',
      parallel: false,
    },
    inputs: [...inputs, '{workspaceRoot}/pins.yaml', '{workspaceRoot}/pins.lock.yaml', '{workspaceRoot}/profiles/*.yaml'],
    outputs: nodeIds.map((id) => `{workspaceRoot}/dist/rendered/${id}.Dockerfile`),
    cache: true,
    metadata: {
      technologies: ['docker'],
      description: `Write dist/rendered/<node>.Dockerfile for ${nodeIds.join(', ')}: the whole closure as one multi-stage Dockerfile (the plain buildx path)`,
    },
  };
}

/** The rendered file contains every fragment of the closure, so every closure fragment's folder is an input. */
function closureInputs(graph: FragmentGraph, workspaceRoot: string, nodeIds: string[]): string[] {
  const dirs = new Set<string>();
  const visit = (id: string) => {
    const node = graph.nodes.get(id)!;
    dirs.add(toPosix(relative(workspaceRoot, node.fragment.dir)));
    dirs.add(toPosix(relative(workspaceRoot, node.contextDir)));
    Object.values(node.uses).forEach(visit);
  };
  nodeIds.forEach(visit);
  return [...dirs].sort().map((d) => (d === '' ? '{workspaceRoot}/**/*' : `{workspaceRoot}/${d}/**/*`));
}

/** Contexts outside the fragment folder are inputs too (the folder itself is covered by {projectRoot}). */
function contextInputs(graph: FragmentGraph, workspaceRoot: string, projectRoot: string, contextDirs: string[]): string[] {
  return [...new Set(contextDirs.map((dir) => toPosix(relative(workspaceRoot, dir))))]
    .filter((rel) => rel !== projectRoot && !rel.startsWith(`${projectRoot}/`))
    .map((rel) => (rel === '' ? '{workspaceRoot}/**/*' : `{workspaceRoot}/${rel}/**/*`));
}

function toPosix(p: string): string {
  return p.split('\\').join(posix.sep);
}
