// Decoder for the payload of `{"id":"moby.buildkit.trace","aux":"<base64>"}` lines: one protobuf
// `moby.buildkit.v1.StatusResponse` per line, each a delta to merge by vertex digest.
//
// Wire format per moby/buildkit control.proto (package moby.buildkit.v1). These definitions are written from
// the field numbers and types only; fields we do not need (VertexWarning.info/ranges, anything added later)
// are skipped by wire type.

import { ProtobufReader, WireType } from './protobuf-reader';

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

/** Decodes one StatusResponse. Throws ProtobufDecodeError on malformed input. */
export function decodeStatusResponse(bytes: Uint8Array): BuildkitStatusResponse {
  const out: BuildkitStatusResponse = { vertexes: [], statuses: [], logs: [], warnings: [] };
  const r = new ProtobufReader(bytes);
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        out.vertexes.push(decodeVertex(r.message()));
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited);
        out.statuses.push(decodeVertexStatus(r.message()));
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited);
        out.logs.push(decodeVertexLog(r.message()));
        break;
      case 4:
        r.expect(tag, WireType.LengthDelimited);
        out.warnings.push(decodeVertexWarning(r.message()));
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return out;
}

function decodeVertex(r: ProtobufReader): BuildkitVertex {
  const v: BuildkitVertex = { digest: '', inputs: [], name: '', cached: false };
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        v.digest = r.string();
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited);
        v.inputs.push(r.string());
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited);
        v.name = r.string();
        break;
      case 4:
        r.expect(tag, WireType.Varint);
        v.cached = r.bool();
        break;
      case 5:
        r.expect(tag, WireType.LengthDelimited);
        v.started = decodeTimestamp(r.message());
        break;
      case 6:
        r.expect(tag, WireType.LengthDelimited);
        v.completed = decodeTimestamp(r.message());
        break;
      case 7: {
        r.expect(tag, WireType.LengthDelimited);
        const error = r.string();
        if (error !== '') v.error = error;
        break;
      }
      case 8:
        r.expect(tag, WireType.LengthDelimited);
        v.progressGroup = decodeProgressGroup(r.message());
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return v;
}

function decodeVertexStatus(r: ProtobufReader): BuildkitVertexStatus {
  const s: BuildkitVertexStatus = { id: '', vertex: '', name: '', current: 0, total: 0 };
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        s.id = r.string();
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited);
        s.vertex = r.string();
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited);
        s.name = r.string();
        break;
      case 4:
        r.expect(tag, WireType.Varint);
        s.current = r.varint();
        break;
      case 5:
        r.expect(tag, WireType.Varint);
        s.total = r.varint();
        break;
      case 6:
        r.expect(tag, WireType.LengthDelimited);
        s.timestamp = decodeTimestamp(r.message());
        break;
      case 7:
        r.expect(tag, WireType.LengthDelimited);
        s.started = decodeTimestamp(r.message());
        break;
      case 8:
        r.expect(tag, WireType.LengthDelimited);
        s.completed = decodeTimestamp(r.message());
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return s;
}

function decodeVertexLog(r: ProtobufReader): BuildkitVertexLog {
  const l: BuildkitVertexLog = { vertex: '', stream: 0, msg: new Uint8Array(0) };
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        l.vertex = r.string();
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited);
        l.timestamp = decodeTimestamp(r.message());
        break;
      case 3:
        r.expect(tag, WireType.Varint);
        l.stream = r.varint();
        break;
      case 4:
        r.expect(tag, WireType.LengthDelimited);
        // Copy: the caller may keep log bytes after the (possibly pooled) input buffer is reused.
        l.msg = r.bytes().slice();
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return l;
}

function decodeVertexWarning(r: ProtobufReader): BuildkitVertexWarning {
  const w: BuildkitVertexWarning = { vertex: '', level: 0, short: '', detail: [], url: '' };
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        w.vertex = r.string();
        break;
      case 2:
        r.expect(tag, WireType.Varint);
        w.level = r.varint();
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited);
        w.short = r.string();
        break;
      case 4:
        r.expect(tag, WireType.LengthDelimited);
        w.detail.push(r.string());
        break;
      case 5:
        r.expect(tag, WireType.LengthDelimited);
        w.url = r.string();
        break;
      default:
        // 6 (source info) and 7 (ranges) point into the Dockerfile; not needed for progress output.
        r.skip(tag.wireType);
    }
  }
  return w;
}

function decodeProgressGroup(r: ProtobufReader): BuildkitProgressGroup {
  const g: BuildkitProgressGroup = { id: '', name: '', weak: false };
  while (!r.done) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LengthDelimited);
        g.id = r.string();
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited);
        g.name = r.string();
        break;
      case 3:
        r.expect(tag, WireType.Varint);
        g.weak = r.bool();
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return g;
}

/** google.protobuf.Timestamp: seconds = 1 (int64), nanos = 2 (int32). */
function decodeTimestamp(r: ProtobufReader): EpochMillis {
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const tag = r.tag();
    if (tag.field === 1 && tag.wireType === WireType.Varint) seconds = r.varint();
    else if (tag.field === 2 && tag.wireType === WireType.Varint) nanos = r.varint();
    else r.skip(tag.wireType);
  }
  return seconds * 1000 + nanos / 1e6;
}
