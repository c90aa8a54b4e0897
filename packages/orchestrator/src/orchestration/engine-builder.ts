import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { NodeBuilder } from './run-graph';
import { imageLabels } from './image-labels';
import { StepTally, type BuildSteps } from './build-steps';
import { SccacheLogScanner, type SccacheStats } from './sccache-stats';
import type { PlannedBuild } from '../plan/make-plan';
import { OUTSIDE_DOCKERFILE_NAME, packContext } from '../pack/pack-context';
import { NodeProgress } from '../progress/node-progress';
import type { ProgressSink } from '../progress/progress-sink';
import { BuildFailure } from './build-failure';
import type { EngineConnection } from '../engine/connect-engine';
import { cancelBuild, postBuild } from '../engine/build-request';
import { consumeEngineResponse, EngineStreamError } from '../engine/consume-response';
import { engineError } from '../engine/engine-error';
import { isFragmentsError, type ErrorKind } from '../errors/fragments-error';
import { classifySystemError } from '../errors/system-error';
import { hasBridgeNetwork, imageExists, presentTags } from '../engine/engine-queries';
import { ENGINE_HINT } from '../engine/engine-error';
import { EnvironmentError } from '../errors/fragments-error';
import { loadDockerCredentials } from '../registry/docker-credentials';
import { UserError } from '../errors/user-error';
import { openBuildSession, SessionUpgradeError, type BuildSession, type SessionServices } from '../session';

export interface EngineBuilderOptions {
  /** `default`, `host` or `none` (BuildKit accepts no other). Tests and offline stacks use `none`. */
  networkMode?: string;
  /** Labels added to every image (e.g. a test run id). */
  extraLabels?: Record<string, string>;
  progress: ProgressSink;
  /**
   * Notes that concern no single build step (e.g. an engine that refused the BuildKit session). The caller decides
   * where they go: a live terminal view counts its own lines, so nothing here writes to the terminal itself.
   */
  onNote?(text: string): void;
  /**
   * What the BuildKit session serves: registry credentials per host (BuildKit ignores X-Registry-Config and asks the
   * session) and build secrets. Default: credentials from ~/.docker/config.json (DOCKER_CONFIG honoured).
   */
  session?: SessionServices;
  /**
   * Build secrets served to one build's session (`RUN --mount=type=secret,id=…`), added to `session`'s. Values reach
   * only the session: never the hash, labels, build args or logs.
   */
  secretsFor?(build: PlannedBuild): Record<string, Buffer>;
  /** Rebuild and run every step again (BuildKit `nocache`, which also starts cache mounts empty). */
  noCache?: boolean;
  /** Called after a successful build with the sccache statistics its compile steps printed, if any. */
  onSccacheStats?(build: PlannedBuild, stats: SccacheStats): void;
  /** Called after every build attempt with the BuildKit steps it completed, cached or run (for the build report). */
  onSteps?(build: PlannedBuild, steps: BuildSteps): void;
  /** Per-build changes for registry mode: upstream references, extra tags, cache sources, extra args. */
  customize?(build: PlannedBuild): BuildCustomization;
  /**
   * Every tag `check` will be asked about: the first check asks the engine for all of them in one request (a no-op
   * run is then one round trip, not one per node). Tags it does not confirm are inspected one by one.
   */
  checkedTags?: readonly string[];
}

export interface BuildCustomization {
  /** Replaces the planned build args (e.g. upstream references qualified with the registry). */
  buildArgs?: Record<string, string>;
  /** Tags besides the local hash tag. */
  extraTags?: string[];
  /** Image references BuildKit may import cache from (`cachefrom`, plain references only). */
  cacheFrom?: string[];
}

/** Builds planned nodes through `POST /build?version=2` (BuildKit) with a streamed, deterministic tar context. */
export class EngineBuilder implements NodeBuilder {
  constructor(
    private readonly engine: EngineConnection,
    private readonly options: EngineBuilderOptions,
  ) {}

  private present: Promise<Set<string>> | undefined;

  async check(build: PlannedBuild): Promise<'up to date' | undefined> {
    // --no-cache rebuilds everything planned: the hash tag is a cache too.
    if (this.options.noCache) return undefined;
    const batch = this.options.checkedTags;
    if (batch?.includes(build.tag) && (await (this.present ??= presentTags(this.engine, batch))).has(build.tag)) return 'up to date';
    return (await imageExists(this.engine, build.tag)) ? 'up to date' : undefined;
  }

  async build(build: PlannedBuild, signal: AbortSignal): Promise<void> {
    const progress = new NodeProgress(build.key, this.options.progress);
    const buildId = randomUUID();
    const onAbort = () => void cancelBuild(this.engine, buildId);
    signal.addEventListener('abort', onAbort, { once: true });
    const { node } = build;
    const custom = this.options.customize?.(build) ?? {};
    const dockerfileRel = relative(node.contextDir, node.fragment.dockerfile);
    const outside = dockerfileRel.startsWith('..');
    const tar = packContext({
      contextDir: node.contextDir,
      entries: build.content.entries,
      expectedFiles: build.content.inputs.files,
      outsideDockerfile: outside ? readFileSync(node.fragment.dockerfile, 'utf8') : undefined,
    });
    let packError: Error | undefined;
    // A tar stream that fails (a file vanished or changed) leaves the request body unfinished, and the engine would
    // wait for the rest forever: end the request too. The caller's signal (cancel) ends it the same way.
    const request = new AbortController();
    const abortRequest = () => request.abort();
    signal.addEventListener('abort', abortRequest, { once: true });
    tar.on('error', (e) => {
      packError = e;
      request.abort(e);
    });
    const sccache = new SccacheLogScanner();
    const steps = new StepTally();
    let session: BuildSession | undefined;
    try {
      session = await this.openSession(build);
      const networkmode = await this.networkMode();
      const response = await postBuild(this.engine, {
        t: [build.tag, ...(custom.extraTags ?? [])],
        dockerfile: outside ? OUTSIDE_DOCKERFILE_NAME : dockerfileRel.split('\\').join('/'),
        buildargs: custom.buildArgs ?? build.buildArgs,
        ...(custom.cacheFrom && custom.cacheFrom.length > 0 ? { cachefrom: JSON.stringify(custom.cacheFrom) } /* a JSON array: docker-modem would repeat a JS array */ : {}),
        labels: imageLabels(build, this.options.extraLabels),
        networkmode,
        platform: build.platform,
        ...(node.target ? { target: node.target } : {}),
        ...(this.options.noCache ? { nocache: 'true' } : {}),
        version: '2',
        buildid: buildId,
        ...(session ? { session: session.id } : {}),
      }, tar, request.signal);
      let imageId: string | undefined;
      try {
        ({ imageId } = await consumeEngineResponse(response, {
          onMessage: (m) => {
            progress.onMessage(m);
            if (m.kind === 'trace') steps.feed(m.status);
            if (m.kind === 'trace') for (const log of m.status.logs) sccache.feed(log.vertex, Buffer.from(log.msg).toString('utf8'));
          },
        }));
      } finally {
        // The daemon may answer before it has read the whole tar (full duplex): stop sending either way.
        tar.destroy();
      }
      if (packError) throw packError;
      // A response that simply stops (the engine died between chunks) is no success: a build always ends with its image id.
      if (!imageId) throw new EnvironmentError('the engine ended the build response without an image id', { where: `engine ${this.engine.address}`, hint: ENGINE_HINT });
      progress.finish();
      const stats = sccache.result();
      if (stats) this.options.onSccacheStats?.(build, stats);
    } catch (e) {
      const error = (packError ? classifySystemError(packError, { doing: 'reading the build context', where: node.contextDir }) : engineError(this.engine, e, `building ${build.key}`)) as Error;
      const kind = signal.aborted ? 'user' : failureKind(error);
      const message = signal.aborted ? 'canceled' : kind === 'environment' && isFragmentsError(error) && error.where ? `${error.where}: ${error.message}` : error.message;
      const report = progress.finish(message);
      const hint = isFragmentsError(error) ? error.hint : undefined;
      throw new BuildFailure(build.key, message, report, { kind, hint: signal.aborted ? undefined : (hint ?? noBridgeHint(error)), where: isFragmentsError(error) ? error.where : undefined, cause: error });
    } finally {
      signal.removeEventListener('abort', onAbort);
      signal.removeEventListener('abort', abortRequest);
      await session?.close();
      this.options.onSteps?.(build, steps.result());
    }
  }

  /**
   * A session per build. Engines whose /session endpoint is gone (deprecated since API 1.53) still build plain tar
   * contexts; only private pulls and secrets need the session, so fall back with a note instead of failing.
   */
  private async openSession(build: PlannedBuild): Promise<BuildSession | undefined> {
    const services = this.sessionServices();
    const secrets = this.options.secretsFor?.(build);
    try {
      return await openBuildSession(this.engine, secrets ? { ...services, secrets: { ...services.secrets, ...secrets } } : services);
    } catch (e) {
      if (!(e instanceof SessionUpgradeError)) throw e;
      if (!this.warnedNoSession) this.options.onNote?.(`${this.engine.address} refused a BuildKit session (${e.message}); building without one (no registry credentials for pulls, no secrets)`);
      this.warnedNoSession = true;
      return undefined;
    }
  }

  private warnedNoSession = false;
  private services?: SessionServices;
  private readonly noted = new Set<string>();

  /**
   * The same services for every build of this builder, so a credential helper runs once per host per run. A failed
   * lookup reaches BuildKit only as "credentials lookup failed" (the daemon's logs must not see what a helper said):
   * the user gets the full message (helper, host, what to do) as a note, once.
   */
  private sessionServices(): SessionServices {
    if (this.services) return this.services;
    const base = this.options.session ?? dockerConfigSession();
    const lookup = base.credentials;
    this.services = !lookup
      ? base
      : {
          ...base,
          credentials: async (host) => {
            try {
              return await lookup(host);
            } catch (e) {
              const text = `registry credentials for ${host}: ${e instanceof UserError ? e.format() : (e as Error).message}`;
              if (!this.noted.has(text)) this.options.onNote?.(text);
              this.noted.add(text);
              throw e;
            }
          },
        };
    return this.services;
  }

  /**
   * The network for RUN steps: what the caller chose, else `default` — unless the engine has no bridge network
   * (dockerd --bridge=none, as on this project's build machines), where BuildKit's default fails with "network bridge
   * not found": then `none`, with a note. Asked once per engine.
   */
  private networkMode(): Promise<string> {
    if (this.options.networkMode) return Promise.resolve(this.options.networkMode);
    return (this.resolvedNetwork ??= hasBridgeNetwork(this.engine).then((bridge) => {
      if (bridge) return 'default';
      this.options.onNote?.(`${this.engine.address} has no bridge network: RUN steps run with --network none (choose with --network or FRAGMENTS_NETWORK)`);
      return 'none';
    }));
  }

  private resolvedNetwork?: Promise<string>;
}

/**
 * A failed build step is the Dockerfile's business (user); the engine or the context files failing under it is the
 * environment's — except "network bridge not found", which names a setting the user can change.
 */
function failureKind(error: Error): ErrorKind {
  if (error instanceof EngineStreamError) return /network bridge not found/i.test(error.message) ? 'environment' : 'user';
  return isFragmentsError(error) ? error.kind : 'internal';
}

function noBridgeHint(error: Error): string | undefined {
  if (!/network bridge not found/i.test(error.message)) return undefined;
  return 'this engine has no bridge network: build with `--network none` (or FRAGMENTS_NETWORK=none), or give dockerd a bridge';
}

/** Session services backed by the docker CLI's config.json: credentials for exactly the host BuildKit asks about. */
export function dockerConfigSession(): SessionServices {
  const store = loadDockerCredentials();
  return {
    credentials: (host) => store.forDomain(host),
  };
}
