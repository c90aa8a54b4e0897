import { resolve } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { isUserError } from '../../../src/errors/user-error';
import type { FragmentGraph } from '../../../src/graph/fragment-graph';
import { renderNode } from '../../../src/render/render-node';
import { listProfiles } from '../../../src/workspace/load-pins';
import { loadGraph } from '../../../src/graph/load-graph';
import { tempWorkspace } from '../../support/temp-workspace';

const repo = resolve(__dirname, '../../../../..');
const BOTH = ['linux/amd64', 'linux/arm64'];
const ARCHES = ['amd64', 'arm64'];

/** Images that exist for one architecture only: per-platform pins, and keys named <key>-amd64 / <key>-arm64. */
function archSpecificImages(graph: FragmentGraph): Set<string> {
  const images = new Set<string>();
  for (const [key, value] of Object.entries(graph.pins.images)) {
    if (typeof value === 'object') Object.values(value).forEach((v) => images.add(v));
    else if (/-(amd64|arm64)$/.test(key)) images.add(value);
  }
  return images;
}

/**
 * One rendered file for both architectures: every FROM is an earlier stage (for each TARGETARCH value when it names
 * one with ${TARGETARCH}), scratch, or an image; an image that exists for one architecture only appears only in a
 * FROM pinned to that architecture with --platform.
 */
function checkBothArches(graph: FragmentGraph, text: string) {
  const df = DockerfileParser.parse(text);
  const globals = new Map(df.getInitialARGs().flatMap((a) => a.getProperties().map((p) => [p.getName(), p.getValue() ?? ''] as const)));
  const archOnly = archSpecificImages(graph);
  const stages: string[] = [];
  const problems: string[] = [];
  for (const from of df.getFROMs()) {
    const image = from.getImage()!;
    const platformFlag = from.getFlags().find((f) => f.getName() === 'platform')?.getValue();
    const named = ARCHES.map((arch) => image.replace(/\$\{TARGETARCH\}/g, arch));
    if (named.every((n) => stages.includes(n))) {
      // an earlier stage on every architecture
    } else if (image.includes('${TARGETARCH}')) {
      problems.push(`${from.getBuildStage()}: ${image} does not name a stage for every arch`);
    } else {
      const resolved = image.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => globals.get(name) ?? `<unset ${name}>`);
      if (resolved.includes('<unset')) problems.push(`${from.getBuildStage()}: ${resolved}`);
      if (archOnly.has(resolved) && !platformFlag) problems.push(`${from.getBuildStage()}: FROM ${resolved} (one architecture's image) without --platform`);
      if (platformFlag && archOnly.has(resolved) && !resolved.includes(platformFlag === 'linux/amd64' ? 'x86_64' : 'aarch64') && !resolved.includes(platformFlag.split('/')[1])) {
        problems.push(`${from.getBuildStage()}: ${resolved} pinned to ${platformFlag}`);
      }
    }
    stages.push(from.getBuildStage()!);
  }
  return problems;
}

describe.each([undefined, ...listProfiles(repo)])('render: every real node for linux/amd64,linux/arm64 in one file (profile %s)', (profile) => {
  const graph = loadGraph({ root: repo, profile });
  it.each([...graph.nodes.keys()])('%s', (id) => {
    const result = renderNode(graph, id, BOTH);
    expect(result.platforms).toEqual(BOTH);
    expect(result.buildCommand).toContain('--platform linux/amd64,linux/arm64');
    expect(checkBothArches(graph, result.dockerfile)).toEqual([]);
    // Per-arch downloads reach the file as one ARG per architecture, both set.
    const args = DockerfileParser.parse(result.dockerfile).getInitialARGs().flatMap((a) => a.getProperties().map((p) => p.getName()));
    for (const arg of args.filter((a) => /_AMD64_URL$/.test(a))) expect(args).toContain(arg.replace('_AMD64_', '_ARM64_'));
  });

  it('a single-platform render is unchanged by the multi-arch support (no aliases, no TARGETARCH stage names)', () => {
    const one = renderNode(graph, 'runtime.vllm', 'linux/amd64');
    expect(one.platforms).toEqual(['linux/amd64']);
    expect(one.dockerfile).not.toMatch(/^# Per-architecture base images/m);
  });
});

describe('render: the offline stack for both arches (per-platform base images become TARGETARCH aliases)', () => {
  const graph = loadGraph({ root: resolve(repo, 'examples/offline-stack'), profile: 'local' });
  it.each([...graph.nodes.keys()])('%s', (id) => {
    const result = renderNode(graph, id, BOTH);
    expect(checkBothArches(graph, result.dockerfile)).toEqual([]);
    expect(result.dockerfile).toMatch(/^FROM --platform=linux\/arm64 fragments-local\/devel:bookworm-arm64 AS [a-z.-]+--base_image-arm64$/m);
    expect(result.dockerfile).toMatch(/^FROM [a-z.-]+--base_image-\$\{TARGETARCH\} AS /m);
  });
});

describe('render: what one file for several platforms cannot hold', () => {
  const files = {
    'pins.yaml': [
      'images:',
      '  base: docker.io/library/busybox:1.36',
      'downloads:',
      '  tool:',
      '    url:',
      '      linux/amd64: https://example.com/tool-amd64',
      '      linux/arm64: https://example.com/tool-arm64',
      '',
    ].join('\n'),
    'fragments/app/fragment.yaml': 'image: test/app\nbases: { BASE_IMAGE: base }\ndownloads: { TOOL: tool }\nplatforms: [linux/amd64, linux/arm64]\n',
    'fragments/app/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nARG TOOL_URL\nARG TOOL_SHA256\nRUN echo "${TOOL_URL} ${TOOL_SHA256}"\n',
  };

  it('a download that differs by platform under one ARG is refused, naming the ARG and what to do', () => {
    const ws = tempWorkspace(files);
    try {
      const graph = loadGraph({ root: ws.root });
      let error: unknown;
      try {
        renderNode(graph, 'app', BOTH);
      } catch (e) {
        error = e;
      }
      expect(isUserError(error)).toBe(true);
      const text = (error as { format(): string }).format();
      expect(text).toContain('ARG TOOL_URL of app differs by platform');
      expect(text).toContain('TARGETARCH');
      // One platform at a time still renders.
      expect(renderNode(graph, 'app', 'linux/arm64').dockerfile).toContain('https://example.com/tool-arm64');
    } finally {
      ws.remove();
    }
  });
});
