import type { EngineConnection } from '../engine/connect-engine';
import { imageExists } from '../engine/engine-queries';
import { onEngine } from '../engine/engine-error';
import { EnvironmentError, isFragmentsError } from '../errors/fragments-error';
import { RegistryError } from '../registry/registry-client';
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
  /**
   * Awaited once, before the first node that really builds (not before checks): e.g. to say which engine builds
   * what. A run where everything is up to date never calls it.
   */
  beforeFirstBuild?: () => Promise<void>;
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
  /**
   * A failure after every node built: writing the image indexes or moving the human tags (a registry or engine that
   * went away). `ok` is then false and `tagged` lists only what moved before it.
   */
  error?: unknown;
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
        checkedTags: plan.builds.filter((b) => engineFor(b.platform) === engine).map((b) => b.tag),
      };
      builder = options.registry
        ? new RegistryBuilder(engine, options.registry, plan, { ...engineOptions, cacheTags: options.cacheTags ?? options.tags ?? [] })
        : new EngineBuilder(engine, engineOptions);
      builders.set(engine, builder);
      if (builder instanceof RegistryBuilder) cacheSourceMaps.push(builder.cacheSources);
    }
    return builder;
  };
  let firstBuild: Promise<void> | undefined;
  const routing: NodeBuilder = {
    check: (b) => builderFor(b).check(b),
    build: async (b, signal) => {
      await (firstBuild ??= options.beforeFirstBuild?.() ?? Promise.resolve());
      return builderFor(b).build(b, signal);
    },
  };
  const results = await runGraph(plan.builds, routing, {
    parallel: options.parallel,
    signal: options.signal,
    onStart: (b) => options.log?.(`[${b.key}] building ${b.tag}`),
  });
  options.progress.close();
  for (const r of results) {
    // Only a failed step can be a missing base image; an engine that died cannot be asked about it.
    if (r.outcome === 'failed' && r.error instanceof BuildFailure && r.error.kind === 'user') {
      await explainMissingBase(engineFor(r.build.platform), plan, r.build, r.error).catch(() => undefined);
    }
  }
  const ok = results.every((r) => SUCCEEDED.includes(r.outcome));
  if (!ok) return { results, ok, tagged: [], indexes: [], cacheSources: collectCacheSources(), sccache, steps };
  const nodes = byNode(plan);
  const indexes = new Map<string, string>();
  const tagged: string[] = [];
  let error: unknown;
  try {
    if (options.registry && plan.platforms.length > 1) await writeIndexes(nodes, options.registry, indexes);
    await promote(engineFor, plan, nodes, { tags: options.tags ?? [], registry: options.registry, indexes, moved: tagged });
  } catch (e) {
    error = e;
  }
  return {
    results,
    ok: error === undefined,
    tagged,
    indexes: [...indexes.entries()].map(([id, tag]) => `${registryName(options.registry!, nodes.get(id)![0])}:${tag}`),
    cacheSources: collectCacheSources(),
    sccache,
    steps,
    ...(error === undefined ? {} : { error }),
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

/** One index per node over its per-platform hash tags; records node id -> index tag in `tags` as each is written. */
async function writeIndexes(nodes: Map<string, PlannedBuild[]>, registry: RegistryTarget, tags: Map<string, string>): Promise<void> {
  for (const [id, builds] of nodes) {
    const tag = indexTag(builds);
    const children = builds.map((b) => ({ platform: b.platform, reference: hashTag(b) }));
    await atNode(id, () => putImageIndex(registry.client, registryRepository(registry, builds[0]), children, tag), 'writing its image index');
    tags.set(id, tag);
  }
}

/** Names the node a post-build registry or engine failure concerns (the error already names the host). */
async function atNode<T>(id: string, fn: () => Promise<T>, doing: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RegistryError) throw new RegistryError(`${id}: ${doing}: ${e.message}`, e.reason, { hint: e.hint, cause: e });
    if (isFragmentsError(e) && e.kind === 'environment') throw new EnvironmentError(`${id}: ${doing}: ${e.message}`, { where: e.where, hint: e.hint, cause: e });
    throw e;
  }
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
  how: { tags: string[]; registry?: RegistryTarget; indexes: Map<string, string>; moved: string[] },
): Promise<void> {
  const { tags, registry, indexes, moved } = how;
  if (tags.length === 0) return;
  if (registry) {
    // Read every source manifest first: a registry that is down then fails before any tag moved.
    const sources = new Map<string, { bytes: Buffer; mediaType: string }>();
    for (const [id, builds] of nodes) {
      const source = indexes.get(id) ?? hashTag(builds[0]);
      sources.set(id, await atNode(id, () => registry.client.manifestBytes(registryRepository(registry, builds[0]), source), `reading ${source} to move the tags`));
    }
    for (const tag of tags) {
      for (const [id, builds] of nodes) {
        const manifest = sources.get(id)!;
        await atNode(id, () => registry.client.putManifest(registryRepository(registry, builds[0]), tag, manifest.bytes, manifest.mediaType), `moving tag ${tag}`);
        moved.push(`${registryName(registry, builds[0])}:${tag}`);
      }
    }
    return;
  }
  for (const tag of tags) {
    for (const build of plan.builds) {
      const suffix = plan.platforms.length > 1 ? `-${build.platform.slice('linux/'.length).replace('/', '')}` : '';
      const engine = engineFor(build.platform);
      await atNode(build.key, () => onEngine(engine, `tagging ${build.tag}`, () => engine.docker.getImage(build.tag).tag({ repo: build.node.image, tag: `${tag}${suffix}` })), `moving tag ${tag}${suffix}`);
      moved.push(`${build.node.image}:${tag}${suffix}`);
    }
  }
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
