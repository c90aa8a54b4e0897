// Drains an Engine API response body to its result, turning an in-band error line into a thrown error.
// This is the safe default for callers: dockerode resolves `buildImage`/`push` as soon as the headers
// arrive (HTTP 200), so a failed build is only visible inside the body.

import { EnvironmentError } from '../errors/fragments-error';
import { readEngineResponse, ResponseBody, ResponseLineOptions } from './response-lines';
import { EngineResponseMessage } from './response-message';

/**
 * The build or push failed after the response had started (HTTP 200 + `errorDetail`). An environment error as far as
 * the engine layer knows (a push the registry refused); the builder turns a failed build step into a BuildFailure.
 */
export class EngineStreamError extends EnvironmentError {
  constructor(
    message: string,
    /** `errorDetail.code`, when the daemon set one. */
    readonly code?: number,
  ) {
    super(message);
  }
}

/** What a successfully drained response reported. */
export interface EngineResponseSummary {
  /** From `moby.image.id` (BuildKit) or the id-less `{"aux":{"ID"}}` (classic); absent for cache-only builds. */
  imageId?: string;
  /** Other aux payloads in order, e.g. the push result `{Tag, Digest, Size}`. */
  aux: Array<{ id?: string; aux: unknown }>;
}

export interface ConsumeOptions extends ResponseLineOptions {
  /** Sees every message, including the error line, before it is thrown (so progress can show the failure). */
  onMessage?: (message: EngineResponseMessage) => void;
}

/**
 * Reads the whole body. Resolves with the summary, or rejects with EngineStreamError (in-band error) or
 * ResponseLineError (corrupt line). Rejecting stops iteration, which destroys a Readable body and thereby
 * closes the connection.
 */
export async function consumeEngineResponse(
  body: ResponseBody,
  options: ConsumeOptions = {},
): Promise<EngineResponseSummary> {
  const summary: EngineResponseSummary = { aux: [] };
  for await (const message of readEngineResponse(body, options)) {
    options.onMessage?.(message);
    switch (message.kind) {
      case 'error':
        throw new EngineStreamError(message.message, message.code);
      case 'image-id':
        summary.imageId = message.imageId;
        break;
      case 'aux':
        summary.aux.push({ id: message.id, aux: message.aux });
        break;
      default:
        break;
    }
  }
  return summary;
}
