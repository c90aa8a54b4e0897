import { UserError } from '../errors/user-error';
import type { FragmentGraph, GraphNode } from '../graph/fragment-graph';
import { resolveBuildArgs } from '../plan/resolve-build-args';
import { selectClosure } from '../plan/select-nodes';
import { displayPath } from '../workspace/paths';
import { buildCommandFor, headerLines, type CommandInput } from './render-header';
import { contextName, contextPrefix, rewriteFragment, type ContextMode, type RewrittenFragment } from './rewrite-fragment';

export type { ContextMode } from './rewrite-fragment';

export interface RenderOptions {
  /** Default `named-contexts`; see ContextMode. */
  mode?: ContextMode;
  /**
   * The rendered Dockerfile as the build command names it (relative to the workspace root, where the command runs).
   * Default: `-` (stdin) for named contexts, `<contextPath>/Dockerfile` for a single context.
   */
  dockerfilePath?: string;
  /** single-context: the combined context folder as the build command names it. Default `.`. */
  contextPath?: string;
}

/** A fragment's build context, as the rendered Dockerfile reads it. */
export interface RenderedContext {
  nodeId: string;
  /** Named context (`ctx-<node>`), for `--build-context`. */
  name: string;
  /** Folder inside a combined single context (`.fragments/<node>`). */
  prefix: string;
  /** Absolute folder of the fragment's context. */
  dir: string;
  /** Absolute path of the fragment's Dockerfile (its ignore file may sit next to it). */
  dockerfile: string;
}

export interface RenderResult {
  dockerfile: string;
  /** One line: the command that builds the rendered file, run from the workspace root. */
  buildCommand: string;
  nodeId: string;
  /** The platforms, comma-separated (as `--platform` takes them). */
  platform: string;
  platforms: string[];
  mode: ContextMode;
  /** Nodes in the file, upstream first. */
  nodes: string[];
  /** Every stage of the file, in order; each node's last stage is named after the node. */
  stages: string[];
  /** Only the contexts some instruction reads. */
  contexts: RenderedContext[];
  /** Pins used without a lock entry, as in `fragments plan`. */
  unlocked: string[];
  warnings: string[];
}

/**
 * One self-contained multi-stage Dockerfile for `nodeId` on one or several platforms: every node of its closure,
 * upstream first, each marked with a `# === BEGIN fragment … ===` comment, all build args resolved from pins into
 * one global ARG block. The node's stage is named after the node, so `--target <node id>` builds it.
 *
 * For several platforms (`docker buildx build --platform linux/amd64,linux/arm64` builds the file once) every build
 * arg must be the same on all of them, except a base image used as `FROM ${ARG}`: that becomes per-arch stage
 * aliases chosen with `${TARGETARCH}` (Dynamo's pattern for manylinux), so no FROM builds one architecture's image
 * for the other. Anything else that differs per platform is an error naming it: the fragment must choose per-arch
 * inputs itself (bind one ARG per arch and select with TARGETARCH).
 */
export function renderNode(graph: FragmentGraph, nodeId: string, platform: string | readonly string[], options: RenderOptions = {}): RenderResult {
  const mode = options.mode ?? 'named-contexts';
  const platforms = [...new Set(typeof platform === 'string' ? platform.split(',').map((p) => p.trim()).filter(Boolean) : platform)];
  if (platforms.length === 0) throw new UserError('no platform to render for', { field: '--platform' }, 'name one, e.g. --platform linux/amd64');
  const platformText = platforms.join(',');
  const id = resolveNodeName(graph, nodeId);
  const ids = selectClosure(graph, [id]);
  const fragments: RewrittenFragment[] = [];
  const unlocked = new Set<string>();
  for (const upId of ids) {
    const node = graph.nodes.get(upId)!;
    for (const p of platforms) {
      if (!node.platforms.includes(p)) {
        throw new UserError(
          `${upId} is not built for ${p} (its platforms: ${node.platforms.join(', ')})`,
          { file: node.fragment.configFile, line: node.fragment.lineOf(['platforms']), field: 'platforms' },
          `render for its platforms with --platform, or add ${p} to "platforms:"`,
        );
      }
    }
    // The upstream "image" of a node is the upstream node's stage, named after the node.
    const resolved = platforms.map((p) => resolveBuildArgs(node, p, graph.pins, (up) => up));
    resolved.forEach((r) => r.unlocked.forEach((u) => unlocked.add(u)));
    const perArchBases = perArchBasesOf(node, platforms, resolved.map((r) => r.buildArgs));
    fragments.push(rewriteFragment({ node, buildArgs: resolved[0].buildArgs, mode, platforms, perArchBases }));
  }
  checkNameClashes(graph, fragments);

  const contexts: RenderedContext[] = fragments
    .filter((f) => f.usesContext)
    .map((f) => {
      const node = graph.nodes.get(f.nodeId)!;
      return { nodeId: f.nodeId, name: contextName(f.nodeId), prefix: contextPrefix(f.nodeId), dir: node.contextDir, dockerfile: node.fragment.dockerfile };
    });
  const contextPath = options.contextPath ?? '.';
  const dockerfilePath = options.dockerfilePath ?? (mode === 'single-context' ? joinPath(contextPath, 'Dockerfile') : '-');
  const command: CommandInput = {
    mode,
    platform: platformText,
    target: id,
    dockerfilePath,
    contextPath,
    namedContexts: contexts.map((c) => ({ name: c.name, path: displayPath(graph.root, c.dir) || '.' })),
  };
  const buildCommand = buildCommandFor(command);
  const warnings = fragments.flatMap((f) => f.warnings);
  const text = [
    ...headerLines({ graph, nodeId: id, platform: platformText, mode, command, stages: fragments.flatMap((f) => f.stages), unlocked: [...unlocked].sort() }),
    '',
    ...globalArgBlock(graph, fragments, platformText),
    ...fragments.flatMap((f) => fragmentSection(graph, f)),
  ].join('\n');
  return {
    dockerfile: text,
    buildCommand,
    nodeId: id,
    platform: platformText,
    platforms,
    mode,
    nodes: ids,
    stages: fragments.flatMap((f) => f.stages),
    contexts,
    unlocked: [...unlocked].sort(),
    warnings,
  };
}

/**
 * Build args of `node` that differ between platforms. A base image bound under `bases:` becomes per-arch aliases;
 * anything else cannot be one value in one file, so it is refused with what differs and what to do.
 */
function perArchBasesOf(node: GraphNode, platforms: string[], args: Record<string, string>[]): Record<string, Record<string, { platform: string; image: string }>> {
  const perArch: Record<string, Record<string, { platform: string; image: string }>> = {};
  if (platforms.length < 2) return perArch;
  const arches = platforms.map((p) => p.split('/')[1] ?? p);
  if (new Set(arches).size !== arches.length) {
    throw new UserError(`--platform ${platforms.join(',')} names one architecture twice`, { field: '--platform' }, 'render one variant of each architecture');
  }
  for (const name of Object.keys(args[0])) {
    const values = args.map((a) => a[name]);
    if (values.every((v) => v === values[0])) continue;
    const differs = platforms.map((p, i) => `${p}: ${values[i] || '(empty)'}`).join(', ');
    if (node.bases[name] === undefined) {
      throw new UserError(
        `ARG ${name} of ${node.id} differs by platform (${differs}), which one Dockerfile for ${platforms.join(',')} cannot hold`,
        { file: node.fragment.configFile, field: name },
        'bind one ARG per architecture (e.g. a pin or download per arch) and choose it in the Dockerfile with TARGETARCH, or render one platform at a time',
      );
    }
    perArch[name] = Object.fromEntries(platforms.map((p, i) => [arches[i], { platform: p, image: values[i] }]));
  }
  return perArch;
}

/** A node id, or the name of a fragment that has exactly one node (no variants). */
export function resolveNodeName(graph: FragmentGraph, name: string): string {
  if (graph.nodes.has(name)) return name;
  const nodes = [...graph.nodes.values()].filter((n) => n.fragment.name === name).map((n) => n.id);
  if (nodes.length === 1) return nodes[0];
  if (nodes.length > 1) {
    throw new UserError(`fragment "${name}" has ${nodes.length} nodes (one per variant); render needs one`, {}, `name one of: ${nodes.join(', ')}`);
  }
  throw new UserError(`no fragment or node named "${name}"`, {}, `nodes: ${[...graph.nodes.keys()].join(', ')}`);
}

function globalArgBlock(graph: FragmentGraph, fragments: RewrittenFragment[], platform: string): string[] {
  const lines = [`# Build args, resolved for ${platform}${graph.pins.profile ? ` with profile ${graph.pins.profile}` : ''}. Each node's ARGs are renamed <node>__<ARG>;`, '# override one with --build-arg <node>__<ARG>=<value>.'];
  const platformArgs = [...new Set(fragments.flatMap((f) => f.platformArgs))];
  if (platformArgs.length > 0) lines.push(...platformArgs.map((a) => `ARG ${a}`));
  for (const fragment of fragments) {
    if (fragment.globalArgs.length === 0) continue;
    lines.push(`# ${fragment.nodeId} (${graph.nodes.get(fragment.nodeId)!.fragment.configFile})`);
    lines.push(...fragment.globalArgs.map((a) => (a.valueText === undefined ? `ARG ${a.name}` : `ARG ${a.name}=${a.valueText}`)));
  }
  return [...lines, ''];
}

function fragmentSection(graph: FragmentGraph, fragment: RewrittenFragment): string[] {
  const display = graph.nodes.get(fragment.nodeId)!.fragment.dockerfileDisplay;
  return [`# === BEGIN fragment ${fragment.nodeId} (${display}) ===`, fragment.body.trimEnd(), `# === END fragment ${fragment.nodeId} ===`, ''];
}

/**
 * Stage names and renamed ARGs must be unique across the file, and no image a Dockerfile names literally may equal a
 * stage name: BuildKit would take the stage instead of the image.
 */
function checkNameClashes(graph: FragmentGraph, fragments: RewrittenFragment[]) {
  const stageOwner = new Map<string, string>();
  const argOwner = new Map<string, string>();
  for (const f of fragments) {
    for (const stage of f.stages) {
      const other = stageOwner.get(stage);
      if (other) throw new UserError(`stage name "${stage}" of ${f.nodeId} is also a stage of ${other} in the rendered Dockerfile`, { file: graph.nodes.get(f.nodeId)!.fragment.dockerfileDisplay }, 'rename the stage or the fragment');
      stageOwner.set(stage, f.nodeId);
    }
    for (const arg of f.globalArgs) {
      const other = argOwner.get(arg.name);
      if (other && other !== f.nodeId) throw new UserError(`ARG ${arg.name} would be declared for both ${other} and ${f.nodeId}`, { file: graph.nodes.get(f.nodeId)!.fragment.configFile }, 'rename one of the fragments');
      argOwner.set(arg.name, f.nodeId);
    }
  }
  for (const f of fragments) {
    for (const { image, line } of f.externalImages) {
      const owner = stageOwner.get(image.toLowerCase());
      if (owner) {
        throw new UserError(
          `image "${image}" has the name of stage "${image.toLowerCase()}" (of ${owner}) in the rendered Dockerfile, which BuildKit would use instead of the image`,
          { file: graph.nodes.get(f.nodeId)!.fragment.dockerfileDisplay, line },
          'name the image with a tag or registry (e.g. docker.io/library/name:tag)',
        );
      }
    }
  }
}

function joinPath(dir: string, file: string): string {
  return dir === '.' ? file : `${dir.replace(/\/+$/, '')}/${file}`;
}
