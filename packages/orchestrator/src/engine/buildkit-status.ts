// Decoder for the payload of `{"id":"moby.buildkit.trace","aux":"<base64>"}` lines: one protobuf
// `moby.buildkit.v1.StatusResponse` per line, each a delta to merge by vertex digest. The wire format is decoded
// by @bufbuild/protobuf from the schema in proto/buildkit/control.proto (generated code in src/generated); this
// file only maps the generated messages to the plain shapes the progress code works with (numbers, not bigint;
// epoch milliseconds, not Timestamp messages). Fields the schema does not declare are skipped, so newer engines
// adding fields keep working.

import type { Timestamp } from '@bufbuild/protobuf/wkt';
import type { Vertex, VertexLog, VertexStatus, VertexWarning } from '../generated/buildkit/control_pb';

/**
 * The protobuf runtime and the generated schema, loaded on the first trace line rather than at start-up: they cost
 * ~0.1 s of CPU that every CLI command would pay (plan, lint, the nx plugin), and only a build decodes traces.
 */
let codec: { fromBinary: typeof import('@bufbuild/protobuf').fromBinary; schema: typeof import('../generated/buildkit/control_pb').StatusResponseSchema } | undefined;
function statusCodec(): NonNullable<typeof codec> {
  if (!codec) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
    const { fromBinary } = require('@bufbuild/protobuf') as typeof import('@bufbuild/protobuf');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StatusResponseSchema } = require('../generated/buildkit/control_pb') as typeof import('../generated/buildkit/control_pb');
    codec = { fromBinary, schema: StatusResponseSchema };
  }
  return codec;
}

/** Milliseconds since the Unix epoch, converted from a google.protobuf.Timestamp (sub-ms precision kept as a fraction). */
export type EpochMillis = number;

/** Log stream of a VertexLog: BuildKit uses 1 for stdout and 2 for stderr. */
export type LogStream = number;

/** pb.ProgressGroup (BuildKit >= 0.10): vertexes sharing a group are shown as one step by BuildKit's printers. */
export interface BuildkitProgressGroup {
  id: string;
  name: string;
  weak: boolean;
}

/** One node of the build graph (a Dockerfile step, an internal load, an export). */
export interface BuildkitVertex {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started?: EpochMillis;
  completed?: EpochMillis;
  /** Absent when empty: proto3 cannot tell "no error" from "". */
  error?: string;
  progressGroup?: BuildkitProgressGroup;
}

/** Progress of a sub-task of a vertex (a layer being exported, a file transfer), keyed by `id`. */
export interface BuildkitVertexStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp?: EpochMillis;
  started?: EpochMillis;
  completed?: EpochMillis;
}

/** A chunk of a vertex's output. `msg` is raw bytes: lines and even UTF-8 sequences may span chunks. */
export interface BuildkitVertexLog {
  vertex: string;
  timestamp?: EpochMillis;
  stream: LogStream;
  msg: Uint8Array;
}

/** A build check / deprecation warning (BuildKit >= 0.10; never sent by Engine 20.10). */
export interface BuildkitVertexWarning {
  vertex: string;
  level: number;
  short: string;
  detail: string[];
  url: string;
}

/** One decoded `moby.buildkit.v1.StatusResponse`: only what changed since the previous one. */
export interface BuildkitStatusResponse {
  vertexes: BuildkitVertex[];
  statuses: BuildkitVertexStatus[];
  logs: BuildkitVertexLog[];
  warnings: BuildkitVertexWarning[];
}

const utf8 = new TextDecoder('utf-8');

/** Decodes one StatusResponse. Throws (the library's error) on malformed input. */
export function decodeStatusResponse(bytes: Uint8Array): BuildkitStatusResponse {
  // Unknown fields (VertexWarning's source ranges, anything newer) are dropped rather than kept as raw bytes.
  const { fromBinary, schema } = statusCodec();
  const message = fromBinary(schema, bytes, { readUnknownFields: false });
  return {
    vertexes: message.vertexes.map(toVertex),
    statuses: message.statuses.map(toVertexStatus),
    logs: message.logs.map(toVertexLog),
    warnings: message.warnings.map(toVertexWarning),
  };
}

function toVertex(v: Vertex): BuildkitVertex {
  const out: BuildkitVertex = { digest: v.digest, inputs: v.inputs, name: v.name, cached: v.cached };
  if (v.started) out.started = epochMillis(v.started);
  if (v.completed) out.completed = epochMillis(v.completed);
  if (v.error !== '') out.error = v.error;
  if (v.progressGroup) out.progressGroup = { id: v.progressGroup.id, name: v.progressGroup.name, weak: v.progressGroup.weak };
  return out;
}

function toVertexStatus(s: VertexStatus): BuildkitVertexStatus {
  const out: BuildkitVertexStatus = { id: s.ID, vertex: s.vertex, name: s.name, current: Number(s.current), total: Number(s.total) };
  if (s.timestamp) out.timestamp = epochMillis(s.timestamp);
  if (s.started) out.started = epochMillis(s.started);
  if (s.completed) out.completed = epochMillis(s.completed);
  return out;
}

function toVertexLog(l: VertexLog): BuildkitVertexLog {
  // Copy: the decoder hands out a view on the line's buffer, and a kept log chunk should not pin the whole line.
  const out: BuildkitVertexLog = { vertex: l.vertex, stream: Number(l.stream), msg: l.msg.slice() };
  if (l.timestamp) out.timestamp = epochMillis(l.timestamp);
  return out;
}

function toVertexWarning(w: VertexWarning): BuildkitVertexWarning {
  // short and detail are bytes on the wire; BuildKit fills them with UTF-8 text.
  return { vertex: w.vertex, level: Number(w.level), short: utf8.decode(w.short), detail: w.detail.map((d) => utf8.decode(d)), url: w.url };
}

/** int64 seconds and nanos of a Timestamp: far below 2^53 ms for any real date. */
function epochMillis(t: Timestamp): EpochMillis {
  return Number(t.seconds) * 1000 + t.nanos / 1e6;
}
