// `POST /build` and `POST /build/cancel` as requests: what to build is the caller's business, reading the response
// stream is consumeEngineResponse's.

import type { IncomingMessage } from 'node:http';
import { stringify } from 'node:querystring';
import type { EngineConnection } from './connect-engine';
import { engineError } from './engine-error';
import { plainRequest, readBody, type PlainHttpTarget } from './plain-http';

/**
 * Starts a build: `query` holds the Engine API's build parameters, `context` is the tar body. Resolves with the
 * response stream once the engine answered 200; the build's own failures then arrive in-band in that stream.
 *
 * Over plain HTTP where the engine allows it (unix socket, tcp): a build then never loads dockerode, whose modules
 * are a fifth of a rebuild's memory. Through dockerode for ssh:// and TLS engines.
 */
export function postBuild(engine: EngineConnection, query: Record<string, unknown>, context: NodeJS.ReadableStream, signal: AbortSignal): Promise<IncomingMessage> {
  const doing = 'starting the build (POST /build)';
  if (engine.plainHttp) return postPlain(engine, engine.plainHttp, `/build?${engineQuery(query)}`, doing, { body: context, signal });
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
      (err, res) => (err ? reject(engineError(engine, err, doing)) : resolve(res as IncomingMessage)),
    );
  });
}

/** Asks the engine to cancel build `buildId`; never fails (the build may already be over). */
export async function cancelBuild(engine: EngineConnection, buildId: string): Promise<void> {
  // Closing the connection already cancels; this makes it explicit for engines that keep reading the body.
  if (engine.plainHttp) {
    await postPlain(engine, engine.plainHttp, `/build/cancel?${engineQuery({ id: buildId })}`, 'canceling the build').then(
      (response) => response.resume(),
      () => undefined,
    );
    return;
  }
  await new Promise<void>((resolve) =>
    engine.docker.modem.dial({ path: `/build/cancel?`, method: 'POST', options: { id: buildId }, statusCodes: { 200: true, 404: true, 500: true } }, () => resolve()),
  );
}

/**
 * The query string as docker-modem writes it (the Engine API expects exactly this): objects as JSON, arrays as the
 * key repeated (`t=a&t=b`), everything else as text.
 */
export function engineQuery(query: Record<string, unknown>): string {
  const encoded: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) encoded[key] = value.map(String);
    else encoded[key] = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return stringify(encoded);
}

/** POSTs to a versioned path; resolves with the response when it is 200, else rejects with the engine's message. */
function postPlain(engine: EngineConnection, target: PlainHttpTarget, path: string, doing: string, options: { body?: NodeJS.ReadableStream; signal?: AbortSignal } = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = plainRequest(target, {
      method: 'POST',
      path: `/v${engine.apiVersion}${path}`,
      signal: options.signal,
      headers: options.body ? { 'Content-Type': 'application/x-tar' } : { 'Content-Length': '0' },
    });
    request.on('error', (e) => reject(engineError(engine, e, doing)));
    request.on('response', (response) => {
      if (response.statusCode === 200) return resolve(response);
      readBody(response).then(
        (json) => {
          const detail = (json as { message?: string } | undefined)?.message ?? String(json);
          // The shape docker-modem gives its errors, which engineError reads (status, the engine's JSON).
          reject(engineError(engine, Object.assign(new Error(`(HTTP code ${response.statusCode}) ${detail}`), { statusCode: response.statusCode, json }), doing));
        },
        (e: unknown) => reject(engineError(engine, e, doing)),
      );
    });
    if (options.body) options.body.pipe(request);
    else request.end();
  });
}
