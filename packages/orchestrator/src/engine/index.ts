// Engine API response handling: NDJSON splitting, message classification, BuildKit trace decoding.
export { decodeStatusResponse } from './buildkit-status';
export type {
  BuildkitProgressGroup,
  BuildkitStatusResponse,
  BuildkitVertex,
  BuildkitVertexLog,
  BuildkitVertexStatus,
  BuildkitVertexWarning,
  EpochMillis,
  LogStream,
} from './buildkit-status';
export { consumeEngineResponse, EngineStreamError } from './consume-response';
export type { ConsumeOptions, EngineResponseSummary } from './consume-response';
export { readEngineResponse, splitResponseLines } from './response-lines';
export type { ResponseBody, ResponseChunk, ResponseLine, ResponseLineOptions } from './response-lines';
export { BUILDKIT_TRACE_ID, classifyResponseLine, IMAGE_ID_AUX_ID, ResponseLineError } from './response-message';
export type { EngineResponseMessage, EngineStatusMessage } from './response-message';
