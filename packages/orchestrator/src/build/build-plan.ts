import type { EngineConnection } from '../engine/connect-engine';
import { EngineBuilder, imageExists } from '../engine/engine-builder';
import { BuildFailure } from '../engine/build-failure';
import type { Plan, PlannedBuild } from '../plan/make-plan';
import type { ProgressSink } from '../progress/progress-sink';
import { hashTag, registryName, registryRepository, type RegistryTarget } from '../registry/registry-target';
import { RegistryBuilder } from './registry-builder';
import { runGraph, SUCCEEDED, type NodeResult } from './run-graph';

export interface BuildPlanOptions {
  parallel: number;
  networkMode?: string;
  extraLabels?: Record<string, string>;
  /** Human tags (e.g. `dev`, `1.2.0`) applied to every built node only after the whole plan succeeded. */
  tags?: string[];
  signal?: AbortSignal;
  progress: ProgressSink;
  log?: (line: string) => void;
  /** `--push`: build into this registry, skipping what it holds; human tags then move in the registry. */
  registry?: RegistryTarget;
  /** Registry tags whose images seed BuildKit's cache (default: the human tags). */
  cacheTags?: string[];
}

export interface BuildPlanResult {
  results: NodeResult[];
  ok: boolean;
  /** `image:tag` refs that were moved (empty when anything failed). */
  tagged: string[];
}

/**
 * Builds a plan on one engine: graph order, up-to-date nodes skipped, keep-going on failure. Human tags move only when
 * every node succeeded, so a failed graph never leaves a release tag pointing at a half-updated set of images.
 */
export async function buildPlan(engine: EngineConnection, plan: Plan, options: BuildPlanOptions): Promise<BuildPlanResult> {
  const engineOptions = { networkMode: options.networkMode, extraLabels: options.extraLabels, progress: options.progress };
  const builder = options.registry
    ? new RegistryBuilder(engine, options.registry, plan, { ...engineOptions, cacheTags: options.cacheTags ?? options.tags ?? [] })
    : new EngineBuilder(engine, engineOptions);
  const results = await runGraph(plan.builds, builder, {
    parallel: options.parallel,
    signal: options.signal,
    onStart: (b) => options.log?.(`[${b.key}] building ${b.tag}`),
  });
  options.progress.close();
  for (const r of results) {
    if (r.outcome === 'failed' && r.error instanceof BuildFailure) await explainMissingBase(engine, plan, r.build, r.error);
  }
  const ok = results.every((r) => SUCCEEDED.includes(r.outcome));
  const tagged = ok ? await promote(engine, plan, options.tags ?? [], options.registry) : [];
  return { results, ok, tagged };
}

/**
 * Moves the human tags onto every node's image, only after the whole graph succeeded. In the registry a tag is moved
 * by copying the hash tag's manifest (no layers move, the engine is not involved); locally with an engine tag.
 */
async function promote(engine: EngineConnection, plan: Plan, tags: string[], registry?: RegistryTarget): Promise<string[]> {
  const moved: string[] = [];
  for (const build of plan.builds) {
    for (const tag of tags) {
      const suffix = plan.platforms.length > 1 ? `-${build.platform.slice('linux/'.length).replace('/', '')}` : '';
      if (registry) {
        const repository = registryRepository(registry, build);
        const manifest = await registry.client.manifestBytes(repository, hashTag(build));
        await registry.client.putManifest(repository, `${tag}${suffix}`, manifest.bytes, manifest.mediaType);
        moved.push(`${registryName(registry, build)}:${tag}${suffix}`);
      } else {
        await engine.docker.getImage(build.tag).tag({ repo: build.node.image, tag: `${tag}${suffix}` });
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
