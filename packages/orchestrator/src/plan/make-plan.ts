import { UserError } from '../errors/user-error';
import type { FragmentGraph, GraphNode } from '../graph/fragment-graph';
import { digestCacheDir } from '../workspace/cache-location';
import { DigestCache } from '../hash/digest-cache';
import { hashNode, listNodeContext, type NodeHash } from '../hash/node-hash';
import type { PlanJson } from '../schema/plan-schema';
import { planPlatforms } from './host-platform';
import { resolveBuildArgs } from './resolve-build-args';
import { selectClosure } from './select-nodes';

/** One image to have: a node on one platform, with its content hash and tag. */
export interface PlannedBuild {
  /** `<node id>` or `<node id>@<arch>` when several platforms are planned. */
  key: string;
  node: GraphNode;
  platform: string;
  hash: string;
  /** `<image>:<first 16 hex of hash>`. */
  tag: string;
  /** Keys of the planned builds this one uses. */
  upstream: string[];
  buildArgs: Record<string, string>;
  /** Pins used without a lock entry. */
  unlocked: string[];
  content: NodeHash;
}

export interface Plan {
  graph: FragmentGraph;
  platforms: string[];
  /** Upstream before downstream. */
  builds: PlannedBuild[];
}

export type { PlanJson };

export interface PlanOptions {
  /** Fragment names or node ids; empty means every fragment. */
  targets: readonly string[];
  /** Default: the host platform. */
  platforms?: readonly string[];
  /** Where file digests are remembered between runs; default: the cache in digestCacheDir (saved after planning). */
  digestCache?: DigestCache;
}

export const TAG_HEX_LENGTH = 16;


export async function makePlan(graph: FragmentGraph, options: PlanOptions): Promise<Plan> {
  const ids = selectClosure(graph, options.targets);
  const platforms = planPlatforms(options.platforms);
  for (const platform of platforms) {
    for (const id of ids) {
      const node = graph.nodes.get(id)!;
      if (!node.platforms.includes(platform)) {
        throw new UserError(
          `${id} is not built for ${platform} (its platforms: ${node.platforms.join(', ')})`,
          { file: node.fragment.configFile, line: node.fragment.lineOf(['platforms']), field: 'platforms' },
          `add ${platform} to "platforms:" (and a base image for it), or build for another --platform`,
        );
      }
    }
  }
  const keyOf = (id: string, platform: string) => (platforms.length > 1 ? `${id}@${platform.slice('linux/'.length)}` : id);

  const digests = options.digestCache ?? DigestCache.open(digestCacheDir(graph.root, [...graph.nodes.values()].map((n) => n.contextDir)));
  // Each node's hash needs its upstream hashes: chain promises so independent nodes hash concurrently.
  const pending = new Map<string, Promise<PlannedBuild>>();
  const listings = new Map<string, ReturnType<typeof listNodeContext>>();
  const listingOf = (node: GraphNode) => {
    let listing = listings.get(node.id);
    if (!listing) listings.set(node.id, (listing = listNodeContext(node)));
    return listing;
  };
  const plan = (id: string, platform: string): Promise<PlannedBuild> => {
    const key = keyOf(id, platform);
    let promise = pending.get(key);
    if (!promise) {
      promise = (async () => {
        const node = graph.nodes.get(id)!;
        const ups = await Promise.all(Object.entries(node.uses).map(async ([arg, upId]) => [arg, await plan(upId, platform)] as const));
        const upByNode = new Map(ups.map(([, build]) => [build.node.id, build]));
        const { buildArgs, unlocked } = resolveBuildArgs(node, platform, graph.pins, (upId) => upByNode.get(upId)!.tag);
        const content = await hashNode(node, platform, buildArgs, Object.fromEntries(ups.map(([arg, b]) => [arg, b.hash])), listingOf(node), digests);
        return {
          key,
          node,
          platform,
          hash: content.hash,
          tag: `${node.image}:${content.hash.slice(0, TAG_HEX_LENGTH)}`,
          upstream: [...new Set(ups.map(([, b]) => b.key))],
          buildArgs,
          unlocked,
          content,
        };
      })();
      pending.set(key, promise);
    }
    return promise;
  };
  const builds = await Promise.all(platforms.flatMap((platform) => ids.map((id) => plan(id, platform))));
  digests.save();
  return { graph, platforms, builds };
}

/** The stable, documented JSON form of a plan (`fragments plan --json`): schema/plan-schema.ts, docs/plan-json.md. */
export function planToJson(plan: Plan): PlanJson {
  return {
    schema: 'fragments-plan/v1',
    root: plan.graph.root,
    profile: plan.graph.pins.profile ?? null,
    platforms: plan.platforms,
    nodes: plan.builds.map((b) => ({
      key: b.key,
      id: b.node.id,
      fragment: b.node.fragment.name,
      variant: b.node.variant,
      platform: b.platform,
      image: b.node.image,
      hash: b.hash,
      tag: b.tag,
      upstream: b.upstream,
      buildArgs: b.buildArgs,
      unlocked: b.unlocked,
    })),
  };
}
