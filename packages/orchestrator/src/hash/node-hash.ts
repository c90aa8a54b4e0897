import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { canonicalMode } from '../context/canonical-mode';
import { linkEscapesContext, listContextFiles, type ContextEntry, type ContextListing } from '../context/context-files';
import { UserError } from '../errors/user-error';
import { FRAGMENT_FILE } from '../workspace/paths';
import type { GraphNode } from '../graph/fragment-graph';
import { canonicalJson } from './canonical-json';
import { DigestCache } from './digest-cache';
import { hashFile } from './file-digest';
import { InternalError } from '../errors/fragments-error';

/**
 * Bump when the encoding below changes: old tags must never be mistaken for new ones. It is part of every hash.
 */
export const HASH_FORMAT_VERSION = 1;

/** Everything a node's image depends on, digest by digest: hashed into the tag and written into labels. */
export interface NodeInputs {
  format: number;
  platform: string;
  target: string | null;
  /** sha256 of the Dockerfile text. */
  dockerfile: string;
  /** context path -> `file:<mode>:<sha256>`, `dir:<mode>` or `link:<mode>:<target>`. */
  files: Record<string, string>;
  /** Resolved build args (base refs, versions, download URLs and checksums, literals), without upstream refs. */
  args: Record<string, string>;
  /** ARG -> full hash of the upstream node. */
  upstream: Record<string, string>;
}

export interface NodeHash {
  /** 64 hex digits. */
  hash: string;
  inputs: NodeInputs;
  /** The exact entries the packer must send, in order. */
  entries: ContextEntry[];
}

/** The context a node sends: the same for every platform, so a plan walks it once per node (see makePlan). */
export function listNodeContext(node: GraphNode): Promise<ContextListing> {
  return listContextFiles({ contextDir: node.contextDir, dockerfilePath: node.fragment.dockerfile });
}

export async function hashNode(
  node: GraphNode,
  platform: string,
  buildArgs: Record<string, string>,
  upstreamHashes: Record<string, string>,
  listing: Promise<ContextListing> = listNodeContext(node),
  digests: DigestCache = DigestCache.inMemory(),
): Promise<NodeHash> {
  const listed = await listing;
  // fragment.yaml is the orchestrator's metadata, not build input: what it binds is hashed as resolved args, so
  // editing a description or adding a variant must not rebuild. It is never sent to the engine either.
  const configPath = join(node.fragment.dir, FRAGMENT_FILE);
  const entries = listed.entries.filter((e) => e.absPath !== configPath);
  refuseUnsendable(node, listed.root, entries);
  const files: Record<string, string> = {};
  for (const entry of entries) files[entry.relPath] = describe(entry, digests);
  const inputs: NodeInputs = {
    format: HASH_FORMAT_VERSION,
    platform,
    target: node.target ?? null,
    dockerfile: sha256(await readFile(node.fragment.dockerfile)),
    files,
    // Upstream references are hashed as the upstream's content hash, not as the reference string: where the image is
    // fetched from (the local engine, or a registry when pushing) must not change what this node is.
    args: Object.fromEntries(Object.entries(buildArgs).filter(([arg]) => !(arg in upstreamHashes))),
    upstream: upstreamHashes,
  };
  return { hash: sha256(canonicalJson(inputs)), inputs, entries };
}

function describe(entry: ContextEntry, digests: DigestCache): string {
  const mode = canonicalMode(entry.type, entry.mode).toString(8);
  switch (entry.type) {
    case 'file':
      return `file:${mode}:${fileDigest(entry, digests)}`;
    case 'dir':
      return `dir:${mode}`;
    case 'symlink':
      return `link:${mode}:${entry.linkTarget}`;
    default:
      throw new InternalError(`unexpected context entry type ${entry.type}`);
  }
}

/** The file's sha256: from the digest cache while its stamp vouches for it, else read and remembered. */
function fileDigest(entry: ContextEntry, digests: DigestCache): string {
  const { stamp } = entry;
  if (!stamp) return hashFile(entry.absPath, undefined, entry.relPath);
  const known = digests.lookup(entry.absPath, stamp);
  if (known) return known;
  const hex = hashFile(entry.absPath, stamp, entry.relPath);
  digests.remember(entry.absPath, stamp, entry.settled === true, hex);
  return hex;
}

/** Sockets, devices and links that leave the context cannot be sent reproducibly: refuse them before any build. */
function refuseUnsendable(node: GraphNode, root: string, entries: ContextEntry[]) {
  for (const entry of entries) {
    if (entry.type === 'special') {
      throw new UserError(
        `the build context of ${node.id} holds a special file (socket, FIFO or device): ${entry.relPath}`,
        { file: entry.absPath },
        'remove it or exclude it in .dockerignore',
      );
    }
    // Absolute targets are refused too: inside the image they would point at whatever the base image has there.
    if (entry.type === 'symlink' && entry.linkTarget !== undefined && (isAbsolute(entry.linkTarget) || linkEscapesContext(root, entry.absPath, entry.linkTarget))) {
      throw new UserError(
        `the build context of ${node.id} holds a symlink that points outside it: ${entry.relPath} -> ${entry.linkTarget}`,
        { file: entry.absPath },
        'Docker would send the link, not its target; copy the file into the context or exclude the link in .dockerignore',
      );
    }
  }
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
