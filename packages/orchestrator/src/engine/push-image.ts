import type { IncomingMessage } from 'node:http';
import type { EngineConnection } from './connect-engine';
import { EnvironmentError } from '../errors/fragments-error';
import { consumeEngineResponse, EngineStreamError } from './consume-response';
import { engineError, onEngine } from './engine-error';

/** Credentials for one registry host, as the engine's X-Registry-Auth wants them. */
export interface PushAuth {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (config.json `identitytoken`), instead of username and password. */
  identitytoken?: string;
  serveraddress: string;
}

export interface PushedImage {
  /** Manifest digest the registry stored (`sha256:…`). */
  digest: string;
  size?: number;
}

/**
 * Pushes `repository:tag` from the engine to its registry, reading every line of the response: a failed push
 * arrives as HTTP 200 plus an `errorDetail` line. Returns the manifest digest the engine reported.
 */
export async function pushImage(engine: EngineConnection, repository: string, tag: string, auth: PushAuth, signal?: AbortSignal): Promise<PushedImage> {
  // Always send X-Registry-Auth (at least the server address): without it 20.10 answers 400. docker-modem encodes
  // authconfig as URL-safe base64, which the daemon needs.
  const doing = `pushing ${repository}:${tag}`;
  const response = await onEngine(engine, doing, async () => (await engine.docker.getImage(repository).push({ tag, authconfig: auth, abortSignal: signal } as never)) as unknown as IncomingMessage);
  let digest: string | undefined;
  let size: number | undefined;
  try {
    await consumeEngineResponse(response, {
      onMessage: (message) => {
        if (message.kind === 'status') {
          const m = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(message.status);
          if (m) [digest, size] = [m[1], Number(m[2])];
        } else if (message.kind === 'aux') {
          const aux = message.aux as { Digest?: string; Size?: number };
          if (aux?.Digest) [digest, size] = [aux.Digest, aux.Size];
        }
      },
    });
  } catch (e) {
    if (e instanceof EngineStreamError) throw new EngineStreamError(`push of ${repository}:${tag} failed: ${e.message}`, e.code);
    throw engineError(engine, e, doing);
  }
  if (!digest) throw new EnvironmentError(`push of ${repository}:${tag} reported no digest`, { where: `engine ${engine.address}`, hint: 'the engine ended the push without saying what the registry stored; run again' });
  return { digest, size };
}
