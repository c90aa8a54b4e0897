import type { EngineConnection } from './connect-engine';
import { engineError } from './engine-error';

// The small read-only questions a plan or a build asks the engine.

/** True when the engine holds `ref`; any answer but 200/404 is an engine problem and is thrown. */
export async function imageExists(engine: EngineConnection, ref: string): Promise<boolean> {
  try {
    await engine.docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw engineError(engine, e, `asking for image ${ref}`);
  }
}

/** Whether the engine has the `bridge` network (GET /networks/bridge: 404 on dockerd --bridge=none). */
export async function hasBridgeNetwork(engine: EngineConnection): Promise<boolean> {
  try {
    await engine.docker.getNetwork('bridge').inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw engineError(engine, e, 'asking for the bridge network');
  }
}
