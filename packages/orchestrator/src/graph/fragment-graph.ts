import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { AUTOMATIC_PLATFORM_ARGS } from '../dockerfile/dockerfile-facts';
import { UserError, UserErrors } from '../errors/user-error';
import type { Fragment } from '../workspace/load-fragments';
import type { EffectivePins } from '../workspace/load-pins';
import { displayPath } from '../workspace/paths';
import { topologicalOrder } from './topological-order';
import { expandVariants, interpolate, nodeId, type Variant } from './variants';

/** One buildable image: a fragment with one combination of its variants, everything interpolated. */
export interface GraphNode {
  id: string;
  fragment: Fragment;
  variant: Variant;
  /** Repository of the image, e.g. `dynamo/runtime-vllm`. */
  image: string;
  /** ARG -> upstream node id. */
  uses: Record<string, string>;
  /** ARG -> key under pins `images`. */
  bases: Record<string, string>;
  /** ARG -> key under pins `versions`. */
  pins: Record<string, string>;
  /** ARG prefix -> key under pins `downloads` (passed as <PREFIX>_URL and <PREFIX>_SHA256). */
  downloads: Record<string, string>;
  /** ARG -> literal. */
  args: Record<string, string>;
  target?: string;
  platforms: string[];
  /** Absolute build context folder. */
  contextDir: string;
}

export interface FragmentGraph {
  root: string;
  pins: EffectivePins;
  fragments: Fragment[];
  nodes: Map<string, GraphNode>;
  /** Every node, upstream before downstream. */
  order: string[];
}

/** Builds and validates the graph of every fragment; all problems are reported together. */
export function buildGraph(root: string, fragments: Fragment[], pins: EffectivePins): FragmentGraph {
  const errors = new ErrorList();
  const byName = new Map(fragments.map((f) => [f.name, f]));
  const nodes = new Map<string, GraphNode>();

  for (const fragment of fragments) {
    for (const variant of expandVariants(fragment.config.variants)) {
      const node = errors.collect(() => makeNode(root, fragment, variant, pins));
      if (node) nodes.set(node.id, node);
    }
  }
  // `uses` can name node ids, so resolve only once every node exists.
  for (const node of nodes.values()) {
    for (const [arg, target] of Object.entries(node.uses)) {
      const resolved = errors.collect(() => resolveUse(node, arg, target, byName, nodes));
      if (resolved) node.uses[arg] = resolved;
      else delete node.uses[arg];
    }
  }
  errors.throwIfAny();

  const ids = [...nodes.keys()];
  const sorted = topologicalOrder(ids, (id) => Object.values(nodes.get(id)!.uses));
  if ('cycle' in sorted) {
    const chain = sorted.cycle.map((id) => `${id} (${nodes.get(id)!.fragment.configFile})`).join('\n    -> ');
    throw new UserError(`dependency cycle through "uses":\n    ${chain}`, { file: nodes.get(sorted.cycle[0])!.fragment.configFile, field: 'uses' }, 'a fragment cannot be built from its own output; remove one of these "uses" entries');
  }
  return { root, pins, fragments, nodes, order: sorted.order };
}

function makeNode(root: string, fragment: Fragment, variant: Variant, pins: EffectivePins): GraphNode {
  const errors = new ErrorList();
  const cfg = fragment.config;
  const at = (...field: (string | number)[]) => ({ file: fragment.configFile, line: fragment.lineOf(field), field: field.join('.') });
  const interp = (text: string, ...field: (string | number)[]) => errors.collect(() => interpolate(text, variant, fragment, field)) ?? text;
  const mapValues = (section: 'uses' | 'bases' | 'pins' | 'downloads' | 'args') =>
    Object.fromEntries(Object.entries(cfg[section]).map(([arg, value]) => [arg, interp(value, section, arg)]));

  const node: GraphNode = {
    id: nodeId(fragment.name, variant),
    fragment,
    variant,
    image: interp(cfg.image, 'image'),
    uses: mapValues('uses'),
    bases: mapValues('bases'),
    pins: mapValues('pins'),
    downloads: mapValues('downloads'),
    args: mapValues('args'),
    target: cfg.target,
    platforms: cfg.platforms ?? pins.platforms,
    contextDir: resolve(fragment.dir, cfg.context),
  };

  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(node.image)) {
    errors.add(new UserError(`image "${node.image}" is not a valid repository name`, at('image'), 'use lower-case path components such as dynamo/runtime-${backend} (no tag: the orchestrator tags by content hash)'));
  }
  if (!existsSync(node.contextDir) || !statSync(node.contextDir).isDirectory()) {
    errors.add(new UserError(`context folder ${displayPath(root, node.contextDir)} does not exist`, at('context'), 'context is relative to the fragment folder'));
  } else if (isStrictAncestor(node.contextDir, resolve(root))) {
    // A folder above the workspace (at worst "/": the whole machine, /proc included) would be listed, hashed and
    // sent on every build, the workspace itself with it. The workspace root, or any folder beside it, is fine.
    errors.add(new UserError(
      `context ${node.contextDir} holds the whole workspace ${resolve(root)} and more: every file under it would be hashed and sent`,
      at('context'),
      'point context at the workspace root or a folder inside or beside it',
    ));
  }
  if (node.target && !fragment.facts.stages.includes(node.target)) {
    errors.add(new UserError(`target "${node.target}" is not a stage of ${fragment.dockerfileDisplay}`, at('target'), `stages: ${fragment.facts.stages.join(', ') || '(none named)'}`));
  }
  checkArgBindings(node, errors, at);
  checkPinKeys(node, pins, errors, at);
  errors.throwIfAny();
  return node;
}

/** Every bound ARG must be declared; every ARG a FROM uses must be bound (or have a default); none bound twice. */
function checkArgBindings(node: GraphNode, errors: ErrorList, at: (...field: string[]) => { file: string; line?: number; field: string }) {
  const { facts, dockerfileDisplay } = node.fragment;
  const bound = new Map<string, string>(); // ARG -> section that binds it
  // `field` is the key in fragment.yaml that binds the ARG (for downloads, the prefix).
  const bind = (arg: string, section: string, field = arg) => {
    const previous = bound.get(arg);
    if (previous) {
      errors.add(new UserError(`ARG ${arg} is bound twice (in "${previous}" and "${section}")`, at(section, field), 'bind each ARG in exactly one section'));
    }
    bound.set(arg, section);
    if (!facts.allArgs.has(arg)) {
      errors.add(
        new UserError(`ARG ${arg} is bound here but ${dockerfileDisplay} does not declare it`, at(section, field), `add "ARG ${arg}" to ${dockerfileDisplay} (before the first FROM if a FROM uses it), or remove the binding`),
      );
    }
  };
  for (const section of ['uses', 'bases', 'pins', 'args'] as const) {
    for (const arg of Object.keys(node[section])) bind(arg, section);
  }
  for (const prefix of Object.keys(node.downloads)) {
    bind(`${prefix}_URL`, 'downloads', prefix);
    bind(`${prefix}_SHA256`, 'downloads', prefix);
  }
  for (const from of facts.froms) {
    for (const variable of from.variables) {
      if (AUTOMATIC_PLATFORM_ARGS.has(variable)) continue;
      // Only ARGs declared before the first FROM are visible to FROM lines, bound or not.
      const global = facts.globalArgs.get(variable);
      if (!global) {
        errors.add(new UserError(`FROM uses \${${variable}}, which is not declared before the first FROM`, { file: dockerfileDisplay, line: from.line }, `declare "ARG ${variable}" at the top of the Dockerfile and bind it in ${node.fragment.configFile}`));
      } else if (global.defaultValue === undefined && !bound.has(variable)) {
        errors.add(new UserError(`FROM uses \${${variable}}, which ${node.fragment.configFile} does not bind`, { file: dockerfileDisplay, line: from.line }, `bind it under uses: (an upstream fragment), bases: (a pinned image) or args: in ${node.fragment.configFile}`));
      }
    }
  }
}

/**
 * Pin keys must exist in pins.yaml (or the profile); a per-platform image must cover every platform of the node,
 * unless it is a one-platform image (a map with one platform) that the Dockerfile only uses pinned to that platform
 * (`FROM --platform=linux/arm64 ${ARG}`): a per-arch input every build platform binds, chosen with TARGETARCH.
 */
function checkPinKeys(node: GraphNode, pins: EffectivePins, errors: ErrorList, at: (...field: string[]) => { file: string; line?: number; field: string }) {
  const pinFiles = pins.files.join(' / ');
  for (const [arg, key] of Object.entries(node.bases)) {
    const image = pins.images[key];
    if (image === undefined) {
      errors.add(new UserError(`base image key "${key}" is not under "images:" in ${pinFiles}`, at('bases', arg), `add images.${key} to pins.yaml, or use one of: ${Object.keys(pins.images).join(', ') || '(none)'}`));
    } else if (typeof image === 'object') {
      if (isPinnedPerArchInput(node, arg, image)) continue;
      for (const platform of node.platforms) {
        if (!image[platform]) {
          errors.add(new UserError(`fragment "${node.fragment.name}" is built for ${platform}, but base "${key}" has no image for ${platform}`, at('bases', arg), `add images.${key}.${platform} to ${pinFiles}, or restrict the fragment with "platforms:"`));
        }
      }
    }
  }
  for (const [arg, key] of Object.entries(node.pins)) {
    if (pins.versions[key] === undefined) {
      errors.add(new UserError(`version key "${key}" is not under "versions:" in ${pinFiles}`, at('pins', arg), `add versions.${key} to pins.yaml`));
    }
  }
  for (const [prefix, key] of Object.entries(node.downloads)) {
    const download = pins.downloads[key];
    if (download === undefined) {
      errors.add(new UserError(`download key "${key}" is not under "downloads:" in ${pinFiles}`, at('downloads', prefix), `add downloads.${key}.url to pins.yaml`));
    } else if (typeof download.url === 'object') {
      for (const platform of node.platforms) {
        if (!download.url[platform]) {
          errors.add(new UserError(`download "${key}" has no URL for ${platform}, which fragment "${node.fragment.name}" is built for`, at('downloads', prefix), `add downloads.${key}.url.${platform} to ${pinFiles}`));
        }
      }
    }
  }
}

/** A one-platform image used only in FROM lines pinned to its platform (see checkPinKeys). */
export function isPinnedPerArchInput(node: GraphNode, arg: string, image: Record<string, string>): boolean {
  const platforms = Object.keys(image);
  if (platforms.length !== 1) return false;
  const uses = node.fragment.facts.text.split(/\r?\n/).filter((line) => new RegExp(`\\$\\{?${arg}\\b`).test(line));
  return uses.length > 0 && uses.every((line) => new RegExp(`^\\s*FROM\\s+--platform=${platforms[0].replace(/\//g, '\\/')}\\s+\\$\\{?${arg}\\}?(\\s|$)`, 'i').test(line));
}

/** A `uses` value names a node id, or a fragment whose variant is chosen by this node's own variant values. */
function resolveUse(node: GraphNode, arg: string, target: string, byName: Map<string, Fragment>, nodes: Map<string, GraphNode>): string {
  const at = { file: node.fragment.configFile, line: node.fragment.lineOf(['uses', arg]), field: `uses.${arg}` };
  if (nodes.has(target) && !byName.has(target)) return target;
  const upstream = byName.get(target);
  if (!upstream) {
    throw new UserError(`uses fragment "${target}", which does not exist`, at, `known fragments: ${[...byName.keys()].join(', ')}`);
  }
  const dims = Object.keys(upstream.config.variants);
  const missing = dims.filter((d) => !(d in node.variant));
  if (missing.length > 0) {
    throw new UserError(
      `fragment "${target}" has variants (${missing.join(', ')}) that "${node.fragment.name}" does not, so which one to use is ambiguous`,
      at,
      `name one node explicitly, e.g. "${nodeId(target, Object.fromEntries(dims.map((d) => [d, upstream.config.variants[d][0]])))}", or add the same variants to "${node.fragment.name}"`,
    );
  }
  const id = nodeId(target, Object.fromEntries(dims.map((d) => [d, node.variant[d]])));
  if (!nodes.has(id)) {
    throw new UserError(`uses "${target}" with ${dims.map((d) => `${d}=${node.variant[d]}`).join(', ')}, but fragment "${target}" has no such variant`, at, `variants of ${target}: ${JSON.stringify(upstream.config.variants)}`);
  }
  return id;
}

/** Collects user errors (deduplicated: variants of one fragment often share a mistake). */
class ErrorList {
  private readonly errors = new Map<string, UserError>();

  add(error: UserError) {
    this.errors.set(error.format(), error);
  }

  collect<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof UserErrors) e.errors.forEach((x) => this.add(x));
      else if (e instanceof UserError) this.add(e);
      else throw e;
      return undefined;
    }
  }

  throwIfAny() {
    if (this.errors.size > 0) throw new UserErrors([...this.errors.values()]);
  }
}

/** `dir` lies above `inner` (not equal to it). */
function isStrictAncestor(dir: string, inner: string): boolean {
  const rel = relative(dir, inner);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
