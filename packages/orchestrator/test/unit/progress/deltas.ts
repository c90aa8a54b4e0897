// Builders for synthetic StatusResponse deltas (times are epoch ms).
import type {
  BuildkitStatusResponse,
  BuildkitVertex,
  BuildkitVertexLog,
  BuildkitVertexStatus,
} from '../../../src/engine/buildkit-status';

export const T0 = 1_700_000_000_000;

export function delta(parts: Partial<BuildkitStatusResponse>): BuildkitStatusResponse {
  return { vertexes: [], statuses: [], logs: [], warnings: [], ...parts };
}

export function vertex(digest: string, name: string, extra: Partial<BuildkitVertex> = {}): BuildkitVertex {
  return { digest, inputs: [], name, cached: false, ...extra };
}

export function log(vertexDigest: string, text: string | Uint8Array, at = T0, stream = 1): BuildkitVertexLog {
  return { vertex: vertexDigest, timestamp: at, stream, msg: typeof text === 'string' ? Buffer.from(text) : text };
}

export function status(vertexDigest: string, id: string, extra: Partial<BuildkitVertexStatus> = {}): BuildkitVertexStatus {
  return { id, vertex: vertexDigest, name: '', current: 0, total: 0, ...extra };
}

/** A writable that records what was written. */
export function capture(extra: { columns?: number; rows?: number; isTTY?: boolean } = {}) {
  const chunks: string[] = [];
  const out = {
    ...extra,
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
  } as unknown as NodeJS.WritableStream & { columns?: number; rows?: number; isTTY?: boolean };
  return { out, chunks, text: () => chunks.join('') };
}
