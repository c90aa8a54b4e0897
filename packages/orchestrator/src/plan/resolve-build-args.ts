import type { GraphNode } from '../graph/fragment-graph';
import type { EffectivePins } from '../workspace/load-pins';

/** The build args a node gets on one platform, and what of them the lock file pinned down. */
export interface ResolvedArgs {
  /** ARG -> value, exactly as sent to the engine. */
  buildArgs: Record<string, string>;
  /** Base images and downloads used without a lock entry (the plan says so). */
  unlocked: string[];
}

/**
 * Turns a node's bindings into build-arg values for `platform`. Upstream references come from `upstreamRef` (the
 * upstream node's hash tag). A lock entry is applied only when it was resolved from the reference/URL in force now.
 */
export function resolveBuildArgs(node: GraphNode, platform: string, pins: EffectivePins, upstreamRef: (nodeId: string) => string): ResolvedArgs {
  const buildArgs: Record<string, string> = {};
  const unlocked: string[] = [];
  for (const [arg, upstreamId] of Object.entries(node.uses)) buildArgs[arg] = upstreamRef(upstreamId);
  for (const [arg, key] of Object.entries(node.bases)) {
    // A one-platform image (a per-arch input, see checkPinKeys) is the same on every build platform, locked for its own.
    const image = pins.images[key];
    const own = typeof image === 'object' && !image[platform] && Object.keys(image).length === 1 ? Object.keys(image)[0] : platform;
    const ref = forPlatform(image, own);
    const locked = pins.lock.images[key]?.[own];
    if (ref.includes('@')) buildArgs[arg] = ref; // already pinned by digest in pins.yaml
    else if (locked && locked.ref === ref) buildArgs[arg] = `${ref}@${locked.digest}`;
    else {
      buildArgs[arg] = ref;
      unlocked.push(`images.${key}`);
    }
  }
  for (const [arg, key] of Object.entries(node.pins)) buildArgs[arg] = pins.versions[key];
  for (const [prefix, key] of Object.entries(node.downloads)) {
    const url = forPlatform(pins.downloads[key].url, platform);
    const locked = pins.lock.downloads[key]?.[platform];
    buildArgs[`${prefix}_URL`] = url;
    buildArgs[`${prefix}_SHA256`] = locked && locked.url === url ? locked.sha256 : '';
    if (!buildArgs[`${prefix}_SHA256`]) unlocked.push(`downloads.${key}`);
  }
  Object.assign(buildArgs, node.args);
  return { buildArgs, unlocked };
}

function forPlatform(value: string | Record<string, string>, platform: string): string {
  // Graph validation guarantees a per-platform map covers every platform of the node.
  return typeof value === 'string' ? value : value[platform];
}
