import { createHash } from 'node:crypto';
import type { PlannedBuild } from '../plan/make-plan';

/** Label keys the orchestrator writes on every image; `fragments plan` reads them back to say what changed. */
export const LABELS = {
  hash: 'org.dynamo.fragments.hash',
  node: 'org.dynamo.fragments.node',
  fragment: 'org.dynamo.fragments.fragment',
  variant: 'org.dynamo.fragments.variant',
  platform: 'org.dynamo.fragments.platform',
  inputs: 'org.dynamo.fragments.inputs',
} as const;

/** Compact per-input digests: enough to name what differs between two builds, small enough for an image label. */
export interface InputDigests {
  dockerfile: string;
  target: string | null;
  files: Record<string, string>;
  args: Record<string, string>;
  upstream: Record<string, string>;
}

const SHORT = 12;

export function inputDigests(build: PlannedBuild): InputDigests {
  const inputs = build.content.inputs;
  return {
    dockerfile: inputs.dockerfile.slice(0, SHORT),
    target: inputs.target,
    files: compactFiles(Object.fromEntries(Object.entries(inputs.files).map(([path, d]) => [path, short(d)]))),
    args: Object.fromEntries(Object.entries(inputs.args).map(([name, v]) => [name, short(v)])),
    upstream: Object.fromEntries(Object.entries(inputs.upstream).map(([arg, h]) => [arg, h.slice(0, SHORT)])),
  };
}

export function imageLabels(build: PlannedBuild, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    [LABELS.hash]: build.hash,
    [LABELS.node]: build.node.id,
    [LABELS.fragment]: build.node.fragment.name,
    [LABELS.variant]: JSON.stringify(build.node.variant),
    [LABELS.platform]: build.platform,
    [LABELS.inputs]: JSON.stringify(inputDigests(build)),
  };
}

/** What differs between an older image's inputs and the planned ones: file paths, arg names, upstream args. */
export interface InputChanges {
  dockerfile: boolean;
  target: boolean;
  files: string[];
  args: string[];
  upstream: string[];
}

export function diffInputs(before: InputDigests, after: InputDigests): InputChanges {
  const changedKeys = (a: Record<string, string>, b: Record<string, string>) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
  return {
    dockerfile: before.dockerfile !== after.dockerfile,
    target: before.target !== after.target,
    files: changedKeys(before.files, after.files),
    args: changedKeys(before.args, after.args),
    upstream: changedKeys(before.upstream, after.upstream),
  };
}

/**
 * Labels travel in the /build query string, which the engine caps (HTTP 431 beyond ~1 MB of headers), and a context
 * can hold 20k files. Above the budget, files are grouped into one digest per folder (`src/`), folder depth by folder
 * depth, until the map fits: the plan can then still say which folder changed.
 */
export const FILES_LABEL_BUDGET = 16 * 1024;

export function compactFiles(files: Record<string, string>, budget = FILES_LABEL_BUDGET): Record<string, string> {
  if (JSON.stringify(files).length <= budget) return files;
  const maxDepth = Math.max(...Object.keys(files).map((p) => p.split('/').length));
  for (let depth = maxDepth - 2; depth >= 0; depth--) {
    const grouped = groupByFolder(files, depth);
    if (JSON.stringify(grouped).length <= budget) return grouped;
  }
  return { '*': short(Object.entries(files).map(([p, d]) => `${p}=${d}`).sort().join('\n')) };
}

/** Paths deeper than `depth` folders are folded into `<first depth+1 components>/`. */
function groupByFolder(files: Record<string, string>, depth: number): Record<string, string> {
  const groups = new Map<string, string[]>();
  for (const [path, digest] of Object.entries(files)) {
    const parts = path.split('/');
    const key = parts.length > depth + 1 ? `${parts.slice(0, depth + 1).join('/')}/` : path;
    const list = groups.get(key) ?? [];
    list.push(`${path}=${digest}`);
    groups.set(key, list);
  }
  return Object.fromEntries([...groups].map(([key, list]) => [key, list.length === 1 && !key.endsWith('/') ? files[key] : short(list.sort().join('\n'))]));
}

function short(value: string): string {
  // File digests look like `file:644:<sha256>`: keep the type and mode readable, shorten the digest.
  const m = /^(file:[0-7]+:)([0-9a-f]{64})$/.exec(value);
  if (m) return m[1] + m[2].slice(0, SHORT);
  return createHash('sha256').update(value).digest('hex').slice(0, SHORT);
}
