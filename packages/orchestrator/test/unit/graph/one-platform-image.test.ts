import { isUserError } from '../../../src/errors/user-error';
import { resolveBuildArgs } from '../../../src/plan/resolve-build-args';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace } from '../../support/temp-workspace';

/**
 * A one-platform image (`images.<key>: { linux/arm64: ref }`) is a per-arch input: every build platform binds it, and
 * the Dockerfile may only use it pinned to its platform (`FROM --platform=linux/arm64 ${ARG}`), chosen by TARGETARCH.
 */
const PINS = [
  'platforms: [linux/amd64, linux/arm64]',
  'images:',
  '  tools-amd64:',
  '    linux/amd64: example.com/tools-x86_64:1',
  '  tools-arm64:',
  '    linux/arm64: example.com/tools-aarch64:1',
  '',
].join('\n');
const YAML = 'image: test/app\nbases: { TOOLS_AMD64: tools-amd64, TOOLS_ARM64: tools-arm64 }\n';
const LOCK = [
  'images:',
  '  tools-arm64:',
  `    linux/arm64: { ref: example.com/tools-aarch64:1, digest: "sha256:${'a'.repeat(64)}" }`,
  '',
].join('\n');

function graphOf(dockerfile: string) {
  const ws = tempWorkspace({ 'pins.yaml': PINS, 'pins.lock.yaml': LOCK, 'fragments/app/fragment.yaml': YAML, 'fragments/app/Dockerfile': dockerfile });
  try {
    return loadGraph({ root: ws.root });
  } finally {
    ws.remove();
  }
}

describe('one-platform images', () => {
  const aliases = [
    'ARG TOOLS_AMD64',
    'ARG TOOLS_ARM64',
    'FROM --platform=linux/amd64 ${TOOLS_AMD64} AS tools-amd64',
    'FROM --platform=linux/arm64 ${TOOLS_ARM64} AS tools-arm64',
    'FROM tools-${TARGETARCH}',
    '',
  ].join('\n');

  it('are bound on every build platform when used only as FROM --platform=<their platform> aliases, locked for their own platform', () => {
    const graph = graphOf(aliases);
    const node = graph.nodes.get('app')!;
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const { buildArgs } = resolveBuildArgs(node, platform, graph.pins, (id) => id);
      expect(buildArgs.TOOLS_AMD64).toBe('example.com/tools-x86_64:1');
      expect(buildArgs.TOOLS_ARM64).toBe(`example.com/tools-aarch64:1@sha256:${'a'.repeat(64)}`);
    }
  });

  it.each([
    ['a FROM without --platform', aliases.replace('FROM --platform=linux/arm64 ${TOOLS_ARM64}', 'FROM ${TOOLS_ARM64}')],
    ['a FROM pinned to the other platform', aliases.replace('FROM --platform=linux/arm64 ${TOOLS_ARM64}', 'FROM --platform=linux/amd64 ${TOOLS_ARM64}')],
  ])('are still an error for a platform they lack when used in %s', (_what, dockerfile) => {
    let error: unknown;
    try {
      graphOf(dockerfile);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as { format(): string }).format()).toContain('base "tools-arm64" has no image for linux/amd64');
  });
});
