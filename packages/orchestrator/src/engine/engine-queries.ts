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

/** Whether the engine has the `bridge` network (GET /networks/bridge: 404 on dockerd --bridge=none). */
export function hasBridgeNetwork(engine: EngineConnection): Promise<boolean> {
  return exists(engine, '/networks/bridge', 'asking for the bridge network', () => engine.docker.getNetwork('bridge').inspect());
}

/** The engine machine's architecture as `uname -m` says it (`x86_64`, `aarch64`). */
export function engineArchitecture(engine: EngineConnection): Promise<string> {
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
