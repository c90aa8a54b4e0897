import type { EngineConnection } from './connect-engine';

// The small read-only questions a plan or a build asks the engine.

/** True when the engine holds `ref`; any answer but 200/404 is an engine problem and is thrown. */
export async function imageExists(engine: EngineConnection, ref: string): Promise<boolean> {
  try {
    await engine.docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}
