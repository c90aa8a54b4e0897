// `POST /build` and `POST /build/cancel` as requests: what to build is the caller's business, reading the response
// stream is consumeEngineResponse's.

import type { IncomingMessage } from 'node:http';
import type { EngineConnection } from './connect-engine';
import { engineError } from './engine-error';

/**
 * Starts a build: `query` holds the Engine API's build parameters, `context` is the tar body. Resolves with the
 * response stream once the engine answered 200; the build's own failures then arrive in-band in that stream.
 */
export function postBuild(engine: EngineConnection, query: Record<string, unknown>, context: NodeJS.ReadableStream, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    engine.docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        options: query,
        file: context,
        isStream: true,
        abortSignal: signal,
        headers: { 'Content-Type': 'application/x-tar', Connection: 'close' },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (err, res) => (err ? reject(engineError(engine, err, 'starting the build (POST /build)')) : resolve(res as IncomingMessage)),
    );
  });
}

/** Asks the engine to cancel build `buildId`; never fails (the build may already be over). */
export async function cancelBuild(engine: EngineConnection, buildId: string): Promise<void> {
  // Closing the connection already cancels; this makes it explicit for engines that keep reading the body.
  await new Promise<void>((resolve) =>
    engine.docker.modem.dial({ path: `/build/cancel?`, method: 'POST', options: { id: buildId }, statusCodes: { 200: true, 404: true, 500: true } }, () => resolve()),
  );
}
