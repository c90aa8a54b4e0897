import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway workspace on disk: `files` maps relative paths to contents. Call `remove()` in afterEach/afterAll. */
export interface TempWorkspace {
  root: string;
  write(rel: string, content: string | Buffer, mode?: number): string;
  remove(): void;
}

export function tempWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'fragments-test-'));
  const ws: TempWorkspace = {
    root,
    write(rel, content, mode) {
      const file = join(root, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content, mode === undefined ? undefined : { mode });
      return file;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [rel, content] of Object.entries(files)) ws.write(rel, content);
  return ws;
}

/** A small valid workspace: base -> mid -> top (top has variants), pins with one image and one version. */
export function validWorkspaceFiles(): Record<string, string> {
  return {
    'pins.yaml': [
      'platforms: [linux/amd64, linux/arm64]',
      'images:',
      '  busybox: local/busybox:1.35',
      '  other: local/other:1',
      'versions:',
      '  tool: "1.2.3"',
      '  unused: "9.9.9"',
      '',
    ].join('\n'),
    'fragments/base/fragment.yaml': 'image: test/base\nbases: { BASE_IMAGE: busybox }\npins: { TOOL_VERSION: tool }\n',
    'fragments/base/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nARG TOOL_VERSION\nCOPY hello.txt /hello.txt\nRUN echo $TOOL_VERSION\n',
    'fragments/base/hello.txt': 'hello\n',
    'fragments/mid/fragment.yaml': 'image: test/mid\nuses: { BASE: base }\nargs: { MODE: release }\n',
    'fragments/mid/Dockerfile': 'ARG BASE\nFROM ${BASE} AS base\nARG MODE\nRUN echo $MODE\n',
    'fragments/top/fragment.yaml': 'image: test/top-${flavor}\nuses: { MID: mid }\nargs: { FLAVOR: "${flavor}" }\nvariants: { flavor: [a, b] }\n',
    'fragments/top/Dockerfile': 'ARG MID\nFROM ${MID}\nARG FLAVOR\nRUN echo $FLAVOR\n',
  };
}
