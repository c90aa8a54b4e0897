import { walkInstructions } from '../../../src/lint/instruction-walker';
import type { FragmentLint } from '../../../src/lint/lint-context';
import { parseDockerfileModel } from '../../../src/lint/model/dockerfile-model';

/** The walker reads only `dockerfile`; the rest of a FragmentLint does not matter here. */
const fragment = (name: string, text: string) => ({ fragment: { name }, dockerfile: parseDockerfileModel(text, `${name}/Dockerfile`) }) as unknown as FragmentLint;

const a = fragment('a', 'ARG BASE=x:1\nARG MODE\nFROM ${BASE} AS build\nARG MODE\nRUN make\nCOPY src /src\nFROM build\nCOPY --from=build /out /out\nRUN true\n');
const b = fragment('b', 'FROM y:1\nENV A=1\nRUN go build\n');
const seen = (visits: Iterable<{ lint: FragmentLint; stage?: { index: number }; instruction: { keyword: string; line: number } }>) =>
  [...visits].map((v) => `${(v.lint.fragment as { name: string }).name}:${v.stage?.index ?? 'global'}:${v.instruction.line}:${v.instruction.keyword}`);

describe('walkInstructions: the one way lint rules go through Dockerfile instructions', () => {
  it('visits fragments in the order given, global ARGs first, then each stage in file order (FROM is the stage, not a visit)', () => {
    expect(seen(walkInstructions([a, b]))).toEqual([
      'a:global:1:ARG', 'a:global:2:ARG', 'a:0:4:ARG', 'a:0:5:RUN', 'a:0:6:COPY', 'a:1:8:COPY', 'a:1:9:RUN',
      'b:0:2:ENV', 'b:0:3:RUN',
    ]);
  });

  it('keeps only the keywords asked for, global ARGs included', () => {
    expect(seen(walkInstructions([a, b], { keywords: ['RUN'] }))).toEqual(['a:0:5:RUN', 'a:1:9:RUN', 'b:0:3:RUN']);
    expect(seen(walkInstructions(a, { keywords: ['ARG'] }))).toEqual(['a:global:1:ARG', 'a:global:2:ARG', 'a:0:4:ARG']);
  });

  it('with a stage filter, visits only those stages and leaves out the global ARGs (they belong to no stage)', () => {
    expect(seen(walkInstructions(a, { stages: (s) => s.index === 1 }))).toEqual(['a:1:8:COPY', 'a:1:9:RUN']);
    expect(seen(walkInstructions(a, { stages: (s) => s.name === 'build', keywords: ['COPY'] }))).toEqual(['a:0:6:COPY']);
  });
});
