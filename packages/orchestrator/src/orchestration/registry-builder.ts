import { BuildFailure } from './build-failure';
import { isFragmentsError } from '../errors/fragments-error';
import type { EngineConnection } from '../engine/connect-engine';
import { imageExists } from '../engine/engine-queries';
import { EngineBuilder, type EngineBuilderOptions } from './engine-builder';
import { foreignHashTagMessage, inspectHashTag } from './hash-tag-check';
import { pushImage } from '../engine/push-image';
import type { Plan, PlannedBuild } from '../plan/make-plan';
import { RegistryError } from '../registry/registry-client';
import { hashTag, registryName, registryRepository, type RegistryTarget } from '../registry/registry-target';
import type { NodeBuilder } from './run-graph';

export interface RegistryBuilderOptions extends Omit<EngineBuilderOptions, 'customize'> {
  /** Human tags whose previous images (of the same node) seed BuildKit's cache: `main`, the branch, … */
  cacheTags: string[];
}

/**
 * `--push` mode: a node whose hash tag the registry already holds is neither built nor pulled ("in registry");
 * otherwise it is built with inline cache metadata, seeded from the registry's previous images of the same node, with
 * upstream images referenced in the registry (BuildKit pulls only what a build needs), then pushed by hash tag.
 */
export class RegistryBuilder implements NodeBuilder {
  private readonly engineBuilder: EngineBuilder;
  private readonly byKey: Map<string, PlannedBuild>;
  /** Per build key, the registry images BuildKit was given as cache sources (only those that exist). */
  readonly cacheSources = new Map<string, string[]>();

  constructor(
    private readonly engine: EngineConnection,
    private readonly target: RegistryTarget,
    plan: Plan,
    options: RegistryBuilderOptions,
  ) {
    this.byKey = new Map(plan.builds.map((b) => [b.key, b]));
    this.engineBuilder = new EngineBuilder(engine, {
      ...options,
      // Upstream images and cache sources are pulled by BuildKit, which asks the session for credentials per host.
      session: { credentials: (host) => target.credentialsFor(host) },
      customize: (b) => this.customize(b),
    });
    this.cacheTags = options.cacheTags;
    this.noCache = options.noCache ?? false;
    this.onNote = options.onNote;
  }

  async check(build: PlannedBuild): Promise<'in registry' | undefined> {
    if (this.noCache) return undefined;
    // Trust a hash tag only when the image it names carries this hash: downstream builds start from it.
    const found = await this.naming(build, () => inspectHashTag(this.target, build));
    if (found.state === 'missing') return undefined;
    if (found.state === 'foreign') throw new BuildFailure(build.key, foreignHashTagMessage(this.target, build, found, 'already'), undefined, { kind: 'environment', where: this.target.domain });
    return 'in registry';
  }

  build(build: PlannedBuild, signal: AbortSignal): Promise<void | 'pushed'> {
    return this.naming(build, () => this.buildAndPush(build, signal));
  }

  /** Registry failures (unreachable, refused, died mid-run) name the image they were about. */
  private async naming<T>(build: PlannedBuild, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RegistryError) throw new RegistryError(`${registryName(this.target, build)}:${hashTag(build)}: ${e.message}`, e.reason, { hint: e.hint, cause: e });
      throw e;
    }
  }

  private async buildAndPush(build: PlannedBuild, signal: AbortSignal): Promise<void | 'pushed'> {
    const name = registryName(this.target, build);
    const tag = hashTag(build);
    // The engine may hold the image from an earlier local build: then pushing is all that is left to do.
    const alreadyBuilt = !this.noCache && (await imageExists(this.engine, build.tag));
    if (alreadyBuilt) await this.engine.docker.getImage(build.tag).tag({ repo: name, tag });
    else {
      // Offer only cache images that exist: the summary then says exactly which earlier image seeded this build.
      const repository = registryRepository(this.target, build);
      const existing = [];
      for (const cacheTag of this.cacheTags) if (await this.target.client.manifestDigest(repository, cacheTag)) existing.push(`${name}:${cacheTag}`);
      this.cacheSources.set(build.key, existing);
      await this.engineBuilder.build(build, signal);
    }
    let pushed: { digest: string };
    try {
      pushed = await pushImage(this.engine, name, tag, this.target.pushAuth, signal);
    } catch (e) {
      const hint = isFragmentsError(e) ? e.hint : undefined;
      throw new BuildFailure(build.key, `${(e as Error).message} (registry ${this.target.domain}${this.target.username ? `, user ${this.target.username}` : ''})`, undefined, {
        kind: isFragmentsError(e) ? e.kind : 'internal',
        hint: hint ?? 'check that the registry runs and accepts pushes from this engine; a rerun pushes what is missing',
        cause: e,
      });
    }
    await this.verifyPushed(build, pushed.digest);
    return alreadyBuilt ? 'pushed' : undefined;
  }

  /**
   * CI jobs (one per backend, per arch) share the registry and build overlapping closures, so another job may push
   * the same node between our push and this read. Builds are not bit-for-bit reproducible (file times), so its
   * manifest differs from ours; when its image carries this node's hash label it was built from the same inputs and
   * is as good as ours: keep it (last push wins, no re-push that would only start a tug of war). Anything else under
   * our hash tag (another hash, no label, or no tag at all) is not explained by a concurrent equivalent build: fail.
   */
  private async verifyPushed(build: PlannedBuild, pushedDigest: string): Promise<void> {
    const name = registryName(this.target, build);
    const tag = hashTag(build);
    const found = await inspectHashTag(this.target, build, pushedDigest);
    if (found.state === 'same') return;
    if (found.state === 'equivalent') {
      this.onNote?.(`${name}:${tag}: another job pushed an image of the same content hash after ours (${found.digest}, ours ${pushedDigest}); keeping it`);
      return;
    }
    if (found.state === 'missing') {
      throw new BuildFailure(build.key, `registry ${this.target.domain}: ${name}:${tag} was pushed (${pushedDigest}) but the tag is gone when read back; something deletes tags in this registry concurrently`, undefined, { kind: 'environment', where: this.target.domain });
    }
    throw new BuildFailure(build.key, foreignHashTagMessage(this.target, build, found, `after our push of ${pushedDigest}`), undefined, { kind: 'environment', where: this.target.domain });
  }

  private readonly cacheTags: string[];
  private readonly noCache: boolean;
  private readonly onNote?: (text: string) => void;

  private customize(build: PlannedBuild) {
    const buildArgs = { ...build.buildArgs };
    for (const [arg, upstreamId] of Object.entries(build.node.uses)) {
      const upstream = [...this.byKey.values()].find((b) => b.node.id === upstreamId && b.platform === build.platform)!;
      buildArgs[arg] = `${registryName(this.target, upstream)}:${hashTag(upstream)}`;
    }
    // Inline cache (mode=min) rides in the image config: pushed with the image, importable by the next build.
    buildArgs.BUILDKIT_INLINE_CACHE = '1';
    const name = registryName(this.target, build);
    return {
      buildArgs,
      extraTags: [`${name}:${hashTag(build)}`],
      cacheFrom: this.cacheSources.get(build.key) ?? [],
    };
  }
}
