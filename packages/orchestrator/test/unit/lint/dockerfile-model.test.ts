import { parseDockerfileModel } from '../../../src/lint/model/dockerfile-model';

const commands = (text: string) =>
  parseDockerfileModel(text, 'Dockerfile')
    .stages.flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.commands.map((c) => c.words.join(' ')));

describe('parseDockerfileModel', () => {
  it('keeps global ARGs, stages and 1-based lines', () => {
    const model = parseDockerfileModel('ARG A=1\n\nFROM x:1 AS one\nRUN a\n\nFROM one\nCOPY --from=one --chown=1:0 /a /b\n', 'Dockerfile');
    expect(model.globalArgs.map((a) => [a.line, a.properties])).toEqual([[1, [{ name: 'A', value: '1' }]]]);
    expect(model.stages.map((s) => [s.name, s.from.line, s.from.image])).toEqual([['one', 3, 'x:1'], [undefined, 6, 'one']]);
    expect(model.stages[1].instructions[0]).toMatchObject({ keyword: 'COPY', line: 7, args: ['/a', '/b'], flags: [{ name: 'from', value: 'one' }, { name: 'chown', value: '1:0' }] });
  });

  it('RUN: drops comment lines inside a continuation, as Docker does', () => {
    expect(commands('FROM x:1\nRUN apt-get update && \\\n    # curl would be here\n    apt-get install -y jq\n')).toEqual([['apt-get update', 'apt-get install -y jq']]);
  });

  it('RUN: a heredoc body is the script when no other program reads it', () => {
    expect(commands('FROM x:1\nRUN <<EOF\nset -e\ncurl -o /x https://y\nEOF\nRUN <<-EOT bash\n\tapt-get update\n\tEOT\n')).toEqual([['set -e', 'curl -o /x https://y'], ['apt-get update']]);
  });

  it('RUN: a heredoc read by another program is data', () => {
    expect(commands('FROM x:1\nRUN python3 <<EOF\nimport os  # curl https://x\nEOF\n')).toEqual([['python3']]);
  });

  it('RUN: the JSON form, with and without a shell', () => {
    expect(commands('FROM x:1\nRUN ["sh", "-c", "a && b"]\nRUN ["/usr/bin/curl", "-o", "/x y", "https://z"]\n')).toEqual([['a', 'b'], ['/usr/bin/curl -o /x y https://z']]);
  });

  it('RUN: honours the escape directive', () => {
    expect(commands('# escape=`\nFROM x:1\nRUN apt-get update `\n  && echo C:\\path\n')).toEqual([['apt-get update', 'echo C:path']]);
  });

  it('RUN: parses --mount flags', () => {
    const run = parseDockerfileModel('FROM x:1\nRUN --mount=type=cache,dst=/var/lib/apt/lists,sharing=locked --mount=type=bind,from=b,src=/s,target=/t true\n', 'D').stages[0].instructions[0];
    expect(run.mounts).toEqual([
      { type: 'cache', target: '/var/lib/apt/lists', sharing: 'locked' },
      { type: 'bind', from: 'b', source: '/s', target: '/t' },
    ]);
  });

  it('never throws on broken Dockerfiles', () => {
    const broken = ['FROM\nRUN\nCOPY\nARG\nENV\n', 'RUN "unterminated\n', 'FROM x\nRUN <<EOF\nno end\n', 'FROM x\nRUN ["sh", "-c"\n', 'ONBUILD RUN curl x\n', '\\\n\\\n', 'FROM x AS\nCOPY --from= / /\n'];
    for (const text of broken) expect(() => parseDockerfileModel(text, 'D')).not.toThrow();
  });
});
