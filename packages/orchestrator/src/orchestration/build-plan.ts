import type { EngineConnection } from '../engine/connect-engine';
import { imageExists } from '../engine/engine-queries';
import { EngineBuilder } from './engine-builder';
import { BuildFailure } from './build-failure';
import type { Plan, PlannedBuild } from '../plan/make-plan';
import type { ProgressSink } from '../progress/progress-sink';
import { indexTag, putImageIndex } from '../registry/image-index';
import { hashTag, registryName, registryRepository, type RegistryTarget } from '../registry/registry-target';
import { RegistryBuilder } from './registry-builder';
import { secretsForBuild } from './build-secrets';
import { SCCACHE_CONFIG_SECRET, sccacheConfigFile } from './sccache-remote';
import type { SccacheRemote } from '../schema/pins-schema';
import type { SccacheStats } from './sccache-stats';
import type { BuildSteps } from './build-steps';
import { runGraph, SUCCEEDED, type NodeBuilder, type NodeResult } from './run-graph';

export interface BuildPlanOptions {
  parallel: number;
  networkMode?: string;
  extraLabels?: Record<string, string>;
  /** Human tags (e.g. `dev`, `1.2.0`) applied to every built node only after the whole plan succeeded. */
  tags?: string[];
  signal?: AbortSignal;
  progress: ProgressSink;
  log?: (line: string) => void;
  /** Notes about an engine rather than a build step (see EngineBuilderOptions.onNote). */
  onNote?(text: string): void;
  /** `--push`: build into this registry, skipping what it holds; human tags then move in the registry. */
  registry?: RegistryTarget;
  /** Registry tags whose images seed BuildKit's cache (default: the human tags). */
  cacheTags?: string[];
  /** Rebuild every planned node, running every step again. */
  noCache?: boolean;
  /** Secret values by id (`--secret`); each build's session serves the ids its fragment declares. */
  secrets?: ReadonlyMap<string, Buffer>;
  /** Remote sccache (profile `sccache:`), served per platform as the secret `sccache-config`. */
  sccache?: SccacheRemote;
}

export interface BuildPlanResult {
  results: NodeResult[];
  ok: boolean;
  /** `image:tag` refs that were moved (empty when anything failed). */
  tagged: string[];
  /** Multi-platform indexes written to the registry: `<name>:<index tag>`. */
  indexes: string[];
  /** Per built node, the registry images BuildKit imported cache from (registry mode). */
  cacheSources: Map<string, string[]>;
  /** Per built node, what its compile steps reported from sccache. */
  sccache: Map<string, SccacheStats>;
  /** Per node the engine built (or tried to), the BuildKit steps that came from cache and those that ran. */
  steps: Map<string, BuildSteps>;
}

/** One engine for everything, or the engine that builds each platform (see platformEngines). */
export type EngineChoice = EngineConnection | ((platform: string) => EngineConnection);

/**
 * Builds a plan: graph order, each platform on its engine, up-to-date nodes skipped, keep-going on failure. Human tags
 * move only when every node of every platform succeeded, so a failed graph never leaves a release tag pointing at a
 * half-updated set of images. With a registry, each multi-platform node also gets one image index.
 */
export async function buildPlan(engines: EngineChoice, plan: Plan, options: BuildPlanOptions): Promise<BuildPlanResult> {
  const engineFor = typeof engines === 'function' ? engines : () => engines;
  const builders = new Map<EngineConnection, NodeBuilder>();
  const sccache = new Map<string, SccacheStats>();
  const steps = new Map<string, BuildSteps>();
  // Each engine's registry builder records its cache sources; the result merges them.
  const cacheSourceMaps: Map<string, string[]>[] = [];
  const collectCacheSources = () => new Map(cacheSourceMaps.flatMap((m) => [...m]));
  const builderFor = (build: PlannedBuild): NodeBuilder => {
    const engine = engineFor(build.platform);
    let builder = builders.get(engine);
    if (!builder) {
      const engineOptions = {
        networkMode: options.networkMode,
        extraLabels: options.extraLabels,
        progress: options.progress,
        onNote: options.onNote,
        noCache: options.noCache,
        secretsFor: (b: PlannedBuild) => secretsForBuild(b, withSccacheConfig(options.secrets, options.sccache, b.platform)),
        onSccacheStats: (b: PlannedBuild, stats: SccacheStats) => sccache.set(b.key, stats),
        onSteps: (b: PlannedBuild, s: BuildSteps) => steps.set(b.key, s),
      };
      builder = options.registry
        ? new RegistryBuilder(engine, options.registry, plan, { ...engineOptions, cacheTags: options.cacheTags ?? options.tags ?? [] })
        : new EngineBuilder(engine, engineOptions);
      builders.set(engine, builder);
      if (builder instanceof RegistryBuilder) cacheSourceMaps.push(builder.cacheSources);
    }
    return builder;
  };
  const routing: NodeBuilder = { check: (b) => builderFor(b).check(b), build: (b, signal) => builderFor(b).build(b, signal) };
  const results = await runGraph(plan.builds, routing, {
    parallel: options.parallel,
    signal: options.signal,
    onStart: (b) => options.log?.(`[${b.key}] building ${b.tag}`),
  });
  options.progress.close();
  for (const r of results) {
    if (r.outcome === 'failed' && r.error instanceof BuildFailure) await explainMissingBase(engineFor(r.build.platform), plan, r.build, r.error);
  }
  const ok = results.every((r) => SUCCEEDED.includes(r.outcome));
  if (!ok) return { results, ok, tagged: [], indexes: [], cacheSources: collectCacheSources(), sccache, steps };
  const nodes = byNode(plan);
  const indexes = options.registry && plan.platforms.length > 1 ? await writeIndexes(nodes, options.registry) : new Map<string, string>();
  const tagged = await promote(engineFor, plan, nodes, options.tags ?? [], options.registry, indexes);
  return {
    results,
    ok,
    tagged,
    indexes: [...indexes.entries()].map(([id, tag]) => `${registryName(options.registry!, nodes.get(id)![0])}:${tag}`),
    cacheSources: collectCacheSources(),
    sccache,
    steps,
  };
}

/** The user's secrets plus, when a remote cache is configured, `sccache-config` for this platform. */
function withSccacheConfig(secrets: ReadonlyMap<string, Buffer> | undefined, remote: SccacheRemote | undefined, platform: string): ReadonlyMap<string, Buffer> {
  if (!remote) return secrets ?? new Map();
  return new Map([...(secrets ?? []), [SCCACHE_CONFIG_SECRET, sccacheConfigFile(remote, platform)]]);
}

function byNode(plan: Plan): Map<string, PlannedBuild[]> {
  const groups = new Map<string, PlannedBuild[]>();
  for (const b of plan.builds) groups.set(b.node.id, [...(groups.get(b.node.id) ?? []), b]);
  return groups;
}

/** One index per node over its per-platform hash tags; returns node id -> index tag. */
async function writeIndexes(nodes: Map<string, PlannedBuild[]>, registry: RegistryTarget): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for (const [id, builds] of nodes) {
    const tag = indexTag(builds);
    const children = builds.map((b) => ({ platform: b.platform, reference: hashTag(b) }));
    await putImageIndex(registry.client, registryRepository(registry, builds[0]), children, tag);
    tags.set(id, tag);
  }
  return tags;
}

/**
 * Moves the human tags, only after the whole graph succeeded. In the registry a tag is moved by copying a manifest
 * (the node's index when several platforms were built, else its hash tag's manifest): no layers move, no engine is
 * involved. Locally each engine tags its images (with an -<arch> suffix when several platforms share a name).
 */
async function promote(
  engineFor: (platform: string) => EngineConnection,
  plan: Plan,
  nodes: Map<string, PlannedBuild[]>,
  tags: string[],
  registry: RegistryTarget | undefined,
  indexes: Map<string, string>,
): Promise<string[]> {
  const moved: string[] = [];
  for (const tag of tags) {
    if (registry) {
      for (const [id, builds] of nodes) {
        const repository = registryRepository(registry, builds[0]);
        const source = indexes.get(id) ?? hashTag(builds[0]);
        const manifest = await registry.client.manifestBytes(repository, source);
        await registry.client.putManifest(repository, tag, manifest.bytes, manifest.mediaType);
        moved.push(`${registryName(registry, builds[0])}:${tag}`);
      }
    } else {
      for (const build of plan.builds) {
        const suffix = plan.platforms.length > 1 ? `-${build.platform.slice('linux/'.length).replace('/', '')}` : '';
        await engineFor(build.platform).docker.getImage(build.tag).tag({ repo: build.node.image, tag: `${tag}${suffix}` });
        moved.push(`${build.node.image}:${tag}${suffix}`);
      }
    }
  }
  return moved;
}

/**
 * BuildKit reports a missing base image as a pull failure of a bare reference. Name the pin it came from (and the
 * profile in force) so the user knows which file to fix or which base image to create.
 */
async function explainMissingBase(engine: EngineConnection, plan: Plan, build: PlannedBuild, failure: BuildFailure) {
  const missing: string[] = [];
  for (const [arg, key] of Object.entries(build.node.bases)) {
    const ref = build.buildArgs[arg];
    if (await imageExists(engine, ref)) continue;
    const source = plan.graph.pins.sources.get(`images.${key}`);
    const where = source ? `${source.file}${source.line ? `:${source.line}` : ''}` : 'pins.yaml';
    const profile = plan.graph.pins.profile ? `profile "${plan.graph.pins.profile}"` : 'no profile';
    missing.push(`base image ${ref} (pin images.${key}, set in ${where}; ${profile}) is not in the engine and could not be pulled`);
  }
  if (missing.length > 0) {
    failure.message = `${failure.message}\n  ${missing.join('\n  ')}\n  make it (e.g. \`bash tools/make-base-images.sh\`), or select a profile that points at images you have (--profile)`;
    if (failure.report) failure.report.error = failure.message;
  }
}
