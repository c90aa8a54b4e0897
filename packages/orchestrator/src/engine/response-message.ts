// Classification of one line of the Engine API's JSON-message stream (`/build`, later `/push`).
// The daemon writes moby's jsonmessage.JSONMessage objects; which fields are set tells what a line is.

import { BuildkitStatusResponse, decodeStatusResponse } from './buildkit-status';
import { InternalError } from '../errors/fragments-error';

/** aux id of BuildKit progress lines; aux is a base64 string holding a protobuf StatusResponse. */
export const BUILDKIT_TRACE_ID = 'moby.buildkit.trace';
/** aux id of the line announcing the built image; aux is `{"ID":"sha256:…"}`. */
export const IMAGE_ID_AUX_ID = 'moby.image.id';

/** `{"status":…}` lines (pull/push progress, some BuildKit-less messages). */
export interface EngineStatusMessage {
  kind: 'status';
  status: string;
  /** Layer or object the status refers to, when present. */
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
}

/** One classified line of the response stream. */
export type EngineResponseMessage =
  | { kind: 'trace'; status: BuildkitStatusResponse }
  | { kind: 'image-id'; imageId: string }
  /** In-band failure: arrives with HTTP 200, so it must be looked for on every line. */
  | { kind: 'error'; message: string; code?: number }
  /** Classic builder output and the 20.10 "Successfully tagged …" line (text keeps its newline). */
  | { kind: 'stream'; text: string }
  | EngineStatusMessage
  /** Any other aux payload (e.g. the push result `{"Tag","Digest","Size"}`). */
  | { kind: 'aux'; id?: string; aux: unknown }
  /** Valid JSON object with none of the known fields: kept, not fatal, so new daemon fields cannot break builds. */
  | { kind: 'other'; value: Record<string, unknown> };

/**
 * A line that is not a JSON object or whose payload cannot be decoded. Never swallowed: the stream is corrupt. Internal:
 * an engine speaking its own API is assumed, so a line we cannot read is our bug to report.
 */
export class ResponseLineError extends InternalError {
  constructor(
    reason: string,
    /** 1-based line number in the response stream. */
    readonly lineNumber: number,
    /** The offending line (complete; the message shows a shortened copy). */
    readonly line: string,
  ) {
    super(`engine response line ${lineNumber}: ${reason}: ${abbreviate(line)}`);
  }
}

/** Classifies one non-empty line. Throws ResponseLineError for anything unparseable. */
export function classifyResponseLine(line: string, lineNumber: number): EngineResponseMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new ResponseLineError(`invalid JSON (${(err as Error).message})`, lineNumber, line);
  }
  if (!isRecord(parsed)) throw new ResponseLineError('not a JSON object', lineNumber, line);
  const msg = parsed;

  // Errors first: a line carrying an error is a failure whatever else it carries.
  const error = errorOf(msg);
  if (error) return error;

  if (msg.id === BUILDKIT_TRACE_ID) {
    return { kind: 'trace', status: decodeTrace(msg.aux, lineNumber, line) };
  }
  if (msg.id === IMAGE_ID_AUX_ID || (msg.id === undefined && isRecord(msg.aux) && 'ID' in msg.aux)) {
    // The classic builder sends the same `{"aux":{"ID"}}` without an id field.
    const imageId = isRecord(msg.aux) ? msg.aux.ID : undefined;
    if (typeof imageId !== 'string' || imageId === '') {
      throw new ResponseLineError('image id line without aux.ID', lineNumber, line);
    }
    return { kind: 'image-id', imageId };
  }
  if (typeof msg.stream === 'string') return { kind: 'stream', text: msg.stream };
  if (typeof msg.status === 'string') return statusOf(msg, msg.status);
  if (msg.aux !== undefined) return { kind: 'aux', id: typeof msg.id === 'string' ? msg.id : undefined, aux: msg.aux };
  return { kind: 'other', value: msg };
}

function errorOf(msg: Record<string, unknown>): EngineResponseMessage | undefined {
  const detail = msg.errorDetail;
  const hasDetail = detail !== undefined && detail !== null;
  const hasError = msg.error !== undefined && msg.error !== null && msg.error !== '';
  if (!hasDetail && !hasError) return undefined;

  const detailMessage = isRecord(detail) && typeof detail.message === 'string' ? detail.message : '';
  const code = isRecord(detail) && typeof detail.code === 'number' ? detail.code : undefined;
  // `error` is deprecated (API 1.48) but older daemons may set only it; never report an empty failure.
  const message =
    detailMessage || (typeof msg.error === 'string' && msg.error) || `engine reported an error: ${JSON.stringify(msg)}`;
  return code === undefined ? { kind: 'error', message } : { kind: 'error', message, code };
}

function statusOf(msg: Record<string, unknown>, status: string): EngineStatusMessage {
  const out: EngineStatusMessage = { kind: 'status', status };
  if (typeof msg.id === 'string') out.id = msg.id;
  if (typeof msg.progress === 'string') out.progress = msg.progress;
  if (isRecord(msg.progressDetail)) {
    const { current, total } = msg.progressDetail;
    out.progressDetail = {
      ...(typeof current === 'number' ? { current } : {}),
      ...(typeof total === 'number' ? { total } : {}),
    };
  }
  return out;
}

// Go's encoding/json marshals []byte as padded standard base64; Buffer.from would silently drop bad characters.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeTrace(aux: unknown, lineNumber: number, line: string): BuildkitStatusResponse {
  if (typeof aux !== 'string' || !BASE64.test(aux)) {
    throw new ResponseLineError('trace aux is not a base64 string', lineNumber, line);
  }
  try {
    return decodeStatusResponse(Buffer.from(aux, 'base64'));
  } catch (err) {
    throw new ResponseLineError(`undecodable BuildKit trace (${(err as Error).message})`, lineNumber, line);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function abbreviate(line: string, max = 200): string {
  return line.length <= max ? line : `${line.slice(0, max)}… (${line.length} chars)`;
}
