import type { FragmentGraph } from '../graph/fragment-graph';
import type { ContextMode } from './rewrite-fragment';

export interface CommandInput {
  mode: ContextMode;
  platform: string;
  target: string;
  dockerfilePath: string;
  /** single-context: the combined context folder. */
  contextPath: string;
  /** named-contexts: `--build-context name=path` pairs (paths relative to the workspace root). */
  namedContexts: { name: string; path: string }[];
}

/** The words of the build command; each group goes on one line of the header. */
function commandGroups(input: CommandInput): string[][] {
  const common = ['--platform', input.platform, '--target', input.target, '-f', input.dockerfilePath];
  if (input.mode === 'single-context') {
    return [['DOCKER_BUILDKIT=1', 'docker', 'build', ...common], [input.contextPath]];
  }
  // The main context is not read by any instruction (every context read names its ctx-<node>): `.` costs nothing.
  return [['docker', 'buildx', 'build', ...common], ...input.namedContexts.map((c) => ['--build-context', `${c.name}=${c.path}`]), ['.']];
}

export function buildCommandFor(input: CommandInput): string {
  return commandGroups(input).flat().map(shellQuote).join(' ');
}

export interface HeaderInput {
  graph: FragmentGraph;
  nodeId: string;
  platform: string;
  mode: ContextMode;
  command: CommandInput;
  stages: string[];
  unlocked: string[];
}

/**
 * The comment at the top of the rendered file. Its first line must not look like a parser directive (`# key=value`):
 * BuildKit reads directives only until the first line that is not one, so none of the lines below is taken as one.
 */
export function headerLines(input: HeaderInput): string[] {
  const profile = input.graph.pins.profile ? ` with profile ${input.graph.pins.profile}` : '';
  const lines = [
    `# Rendered by fragments render: ${input.nodeId} for ${input.platform}${profile}. Do not edit; edit the fragments and render again.`,
    `# Stages, upstream first: ${input.stages.join(', ')}`,
    '# Build it from the workspace root with:',
    ...wrappedCommand(input.command),
  ];
  if (input.mode === 'named-contexts') {
    lines.push(
      '# Each fragment reads its own build context as a BuildKit named context (COPY --from=ctx-<node>, --build-context),',
      '# which needs docker buildx (Dockerfile frontend >= 1.4). Plain `docker build`, the classic builder and the',
      "# Docker 20.10 engine's built-in frontend cannot read named contexts: render with --single-context DIR for those.",
    );
    if (input.command.dockerfilePath === '-') lines.push('# `-f -` reads this Dockerfile from stdin: pipe `fragments render` into the command, or render with -o FILE.');
  } else {
    lines.push(
      '# One combined context holds each fragment\'s files under .fragments/<node>/ (fragments render --single-context DIR).',
      '# RUN --mount needs BuildKit: DOCKER_BUILDKIT=1 with a Docker 20.10 CLI, or `docker buildx build` with the same arguments.',
    );
  }
  if (input.unlocked.length > 0) lines.push(`# Not locked (no digest/checksum in pins.lock.yaml; run fragments pins lock): ${input.unlocked.join(', ')}`);
  return lines;
}

/** One line per option group of the command, continued with ` \\`. */
function wrappedCommand(input: CommandInput): string[] {
  const groups = commandGroups(input).map((g) => g.map(shellQuote).join(' '));
  return groups.map((g, i) => `#   ${i === 0 ? '' : '  '}${g}${i < groups.length - 1 ? ' \\' : ''}`);
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_.\/:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
