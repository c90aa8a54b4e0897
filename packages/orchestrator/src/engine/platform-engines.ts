import { EnvironmentError, isEnvironmentError } from '../errors/fragments-error';
import { connectEngine, type EngineConnection } from './connect-engine';
import { engineArchitecture } from './engine-queries';

/** The engine that builds one platform, and whether it runs that platform's code natively or under emulation. */
export interface PlatformEngine {
  platform: string;
  engine: EngineConnection;
  /** Architecture the engine's machine runs (`amd64`, `arm64`). */
  engineArch: string;
  native: boolean;
  /** Where the choice came from, for the plan: `FRAGMENTS_ENGINE_ARM64` or `default engine`. */
  source: string;
}

/** `linux/arm64` -> `FRAGMENTS_ENGINE_ARM64`; `linux/arm/v7` -> `FRAGMENTS_ENGINE_ARM_V7`. */
export function engineVariable(platform: string): string {
  return `FRAGMENTS_ENGINE_${platform.replace(/^linux\//, '').replace(/\W/g, '_').toUpperCase()}`;
}

/** A platform's engine, connected, before anyone asked what machine it runs on. */
export interface PlatformConnection {
  platform: string;
  engine: EngineConnection;
  source: string;
}

/**
 * One engine per platform: `FRAGMENTS_ENGINE_<ARCH>` (a DOCKER_HOST-style address) when set — e.g. a native arm64
 * machine over ssh, as Dynamo's CI does, since compiling under QEMU is 5–8x slower — otherwise the default engine,
 * which builds foreign platforms under QEMU emulation (binfmt_misc, tools/ensure-qemu.sh).
 */
export async function platformEngines(platforms: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Map<string, PlatformEngine>> {
  return describeConnections(await platformConnections(platforms, env));
}

/** platformEngines without the architecture: what checking and building need (one fast request per engine). */
export async function platformConnections(platforms: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Map<string, PlatformConnection>> {
  const byAddress = new Map<string, Promise<EngineConnection>>();
  const connect = (address: string | undefined) => {
    const key = address ?? '';
    let pending = byAddress.get(key);
    if (!pending) {
      pending = connectEngine(address ?? env.DOCKER_HOST);
      byAddress.set(key, pending);
    }
    return pending;
  };
  const result = new Map<string, PlatformConnection>();
  for (const platform of platforms) {
    const variable = engineVariable(platform);
    const address = env[variable];
    let engine: EngineConnection;
    try {
      engine = await connect(address);
    } catch (e) {
      if (address && isEnvironmentError(e)) {
        throw new EnvironmentError(`the ${platform} engine (${variable}=${address}) does not answer`, { where: variable, hint: e.format(), cause: e });
      }
      throw e;
    }
    result.set(platform, { platform, engine, source: address ? variable : 'default engine' });
  }
  return result;
}

/** Adds what each engine's machine runs (GET /info unless the connection already knows), and so native or not. */
export async function describeConnections(connections: ReadonlyMap<string, PlatformConnection>): Promise<Map<string, PlatformEngine>> {
  const result = new Map<string, PlatformEngine>();
  for (const { platform, engine, source } of connections.values()) {
    const engineArch = normalizeArch(await engineArchitecture(engine));
    result.set(platform, { platform, engine, engineArch, native: platform === `linux/${engineArch}`, source });
  }
  return result;
}

/** The engine reports `uname -m` (x86_64, aarch64); platforms use Go's names (amd64, arm64). */
export function normalizeArch(machine: string): string {
  return ({ x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm/v7' } as Record<string, string>)[machine] ?? machine;
}

/** `linux/arm64: emulated (QEMU on amd64) on unix:///var/run/docker.sock (default engine)`, for plan and build. */
export function describePlatformEngine(pe: PlatformEngine): string {
  return `${pe.platform}: ${pe.native ? 'native' : `emulated (QEMU on ${pe.engineArch})`} on ${pe.engine.address} (${pe.source})`;
}
