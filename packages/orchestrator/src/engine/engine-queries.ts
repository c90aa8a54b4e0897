import type { EngineConnection } from './connect-engine';
import { EnvironmentError } from '../errors/fragments-error';
import { ENGINE_HINT, onEngine } from './engine-error';
import { plainGet } from './plain-http';

/**
 * The small read-only questions a plan or a no-op build asks the engine, answered over plain HTTP when the engine
 * allows it (see EngineConnection.plainHttp), so that dockerode is not even loaded; through dockerode otherwise.
 * A failure (the engine went away, answered 5xx) is an environment error naming the engine.
 */

/** True when the engine holds `ref`; any answer but 200/404 is an engine problem and is thrown. */
export function imageExists(engine: EngineConnection, ref: string): Promise<boolean> {
  return exists(engine, `/images/${encodeURIComponent(ref)}/json`, `asking for image ${ref}`, () => engine.docker.getImage(ref).inspect());
}

/**
 * Which of `refs` the engine holds, in one request (GET /images/json filtered by reference) instead of one inspect
 * each. Only exact matches of an image's RepoTags count: a ref this misses is asked about again with imageExists
 * by the caller, so the answer never depends on how the engine's filter normalizes names.
 */
export function presentTags(engine: EngineConnection, refs: readonly string[]): Promise<Set<string>> {
  if (refs.length === 0) return Promise.resolve(new Set());
  const filters = JSON.stringify({ reference: [...refs] });
  return onEngine(engine, `listing ${refs.length} images by tag`, async () => {
    let images: { RepoTags?: string[] | null }[];
    if (engine.plainHttp) {
      const path = `/v${engine.apiVersion}/images/json?filters=${encodeURIComponent(filters)}`;
      const { statusCode, json } = await plainGet(engine.plainHttp, path);
      if (statusCode !== 200) throw httpStatus(engine, statusCode, '/images/json', json);
      images = json as typeof images;
    } else {
      images = await engine.docker.listImages({ filters });
    }
    const wanted = new Set(refs);
    return new Set(images.flatMap((image) => image.RepoTags ?? []).filter((tag) => wanted.has(tag)));
  });
}

/** Whether the engine has the `bridge` network (GET /networks/bridge: 404 on dockerd --bridge=none). */
export function hasBridgeNetwork(engine: EngineConnection): Promise<boolean> {
  return exists(engine, '/networks/bridge', 'asking for the bridge network', () => engine.docker.getNetwork('bridge').inspect());
}

/** GOARCH values that name the machine unambiguously (`arm` and `386` may run on a 64-bit kernel: ask /info). */
const MACHINE_GOARCH = new Set(['amd64', 'arm64', 'ppc64le', 's390x', 'riscv64']);

/**
 * The engine machine's architecture: its GOARCH from the connection's /version answer where that names the machine,
 * else `uname -m` as GET /info says it (`x86_64`, `aarch64`, `armv7l`; see normalizeArch).
 */
export function engineArchitecture(engine: EngineConnection): Promise<string> {
  if (engine.goArch && MACHINE_GOARCH.has(engine.goArch)) return Promise.resolve(engine.goArch);
  return onEngine(engine, 'asking the engine what it runs on (GET /info)', async () => {
    if (engine.plainHttp) {
      const { statusCode, json } = await plainGet(engine.plainHttp, `/v${engine.apiVersion}/info`);
      if (statusCode !== 200) throw httpStatus(engine, statusCode, '/info', json);
      return (json as { Architecture?: string }).Architecture ?? '';
    }
    return (await engine.docker.info()).Architecture ?? '';
  });
}

/** 200 -> true, 404 -> false, anything else (or no answer) -> an environment error naming the engine. */
function exists(engine: EngineConnection, path: string, doing: string, viaDockerode: () => Promise<unknown>): Promise<boolean> {
  return onEngine(engine, doing, async () => {
    if (engine.plainHttp) {
      const { statusCode, json } = await plainGet(engine.plainHttp, `/v${engine.apiVersion}${path}`);
      if (statusCode === 200) return true;
      if (statusCode === 404) return false;
      throw httpStatus(engine, statusCode, path, json);
    }
    try {
      await viaDockerode();
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      throw e;
    }
  });
}

function httpStatus(engine: EngineConnection, statusCode: number, path: string, json: unknown): EnvironmentError {
  const detail = (json as { message?: string })?.message ?? json;
  return new EnvironmentError(`the engine answered HTTP ${statusCode} to GET ${path}: ${detail}`, { where: `engine ${engine.address}`, hint: statusCode >= 500 ? ENGINE_HINT : undefined });
}
