import type { EngineConnection } from './connect-engine';
import { plainGet } from './plain-http';

/**
 * The small read-only questions a plan or a no-op build asks the engine, answered over plain HTTP when the engine
 * allows it (see EngineConnection.plainHttp), so that dockerode is not even loaded; through dockerode otherwise.
 */

/** True when the engine holds `ref`; any answer but 200/404 is an engine problem and is thrown. */
export async function imageExists(engine: EngineConnection, ref: string): Promise<boolean> {
  if (engine.plainHttp) {
    const { statusCode, json } = await plainGet(engine.plainHttp, `/v${engine.apiVersion}/images/${encodeURIComponent(ref)}/json`);
    if (statusCode === 200) return true;
    if (statusCode === 404) return false;
    throw new Error(`the engine answered HTTP ${statusCode} to an image inspect of ${ref}: ${(json as { message?: string })?.message ?? json}`);
  }
  try {
    await engine.docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** The engine machine's architecture as `uname -m` says it (`x86_64`, `aarch64`). */
export async function engineArchitecture(engine: EngineConnection): Promise<string> {
  if (engine.plainHttp) {
    const { statusCode, json } = await plainGet(engine.plainHttp, `/v${engine.apiVersion}/info`);
    if (statusCode !== 200) throw new Error(`the engine answered HTTP ${statusCode} to /info`);
    return (json as { Architecture?: string }).Architecture ?? '';
  }
  return (await engine.docker.info()).Architecture ?? '';
}
