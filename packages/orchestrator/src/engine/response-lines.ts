// NDJSON reader for Engine API response bodies (`POST /build`, later `/push`): splits the byte stream into
// lines, whatever the chunking, and classifies each line. Every line goes through the classifier, so an
// in-band `errorDetail` (sent with HTTP 200) cannot slip past as "progress".

import { StringDecoder } from 'node:string_decoder';
import { classifyResponseLine, EngineResponseMessage, ResponseLineError } from './response-message';

export type ResponseChunk = Buffer | Uint8Array | string;

/** Anything yielding body chunks: a `Readable` (dockerode/http response) or, in tests, an array of chunks. */
export type ResponseBody = AsyncIterable<ResponseChunk> | Iterable<ResponseChunk>;

/** One raw line of the body, without its terminator. */
export interface ResponseLine {
  /** 1-based, counting empty lines too, so it matches what `sed -n Np` shows on a saved body. */
  number: number;
  text: string;
}

export interface ResponseLineOptions {
  /**
   * Upper bound on one line's length in characters. The daemon never sends lines anywhere near this
   * (a trace line is a batch of progress); the bound stops a broken peer from growing memory without limit.
   */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;

/**
 * Splits a body into lines on '\n' across chunk boundaries. Bytes are decoded with a StringDecoder so a
 * multibyte UTF-8 character split between chunks is not mangled. A trailing '\r' is dropped (the daemon's
 * stream formatter ends lines with "\r\n"). A final line without terminator is still yielded.
 */
export async function* splitResponseLines(
  body: ResponseBody,
  options: ResponseLineOptions = {},
): AsyncGenerator<ResponseLine> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;

  const take = (text: string): ResponseLine => ({
    number: ++number,
    text: text.endsWith('\r') ? text.slice(0, -1) : text,
  });

  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(asBuffer(chunk));
    let start = 0;
    let nl: number;
    // Scan with an offset and cut once per chunk, so many short lines in a large chunk stay linear.
    while ((nl = pending.indexOf('\n', start)) !== -1) {
      yield take(pending.slice(start, nl));
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineLength) {
      throw new ResponseLineError(`line longer than ${maxLineLength} characters`, number + 1, pending);
    }
  }
  pending += decoder.end();
  if (pending !== '') yield take(pending);
}

/**
 * Reads and classifies every non-empty line of an Engine API response body.
 * Throws ResponseLineError on the first line that is not a JSON object or whose trace payload is corrupt.
 * In-band errors are yielded as `{kind: 'error'}` (so progress can still be rendered); use
 * `consumeEngineResponse` to have them thrown.
 */
export async function* readEngineResponse(
  body: ResponseBody,
  options: ResponseLineOptions = {},
): AsyncGenerator<EngineResponseMessage> {
  for await (const line of splitResponseLines(body, options)) {
    if (line.text.trim() === '') continue;
    yield classifyResponseLine(line.text, line.number);
  }
}

/** Views a Uint8Array as a Buffer without copying (StringDecoder wants a Buffer). */
function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
