import { Readable } from 'node:stream';
import { readEngineResponse, splitResponseLines } from '../../../src/engine/response-lines';
import { ResponseLineError } from '../../../src/engine/response-message';
import { readFixture } from '../../fixtures/trace/fixtures';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Cuts a buffer into chunks at the given offsets. */
function chunksAt(buf: Buffer, cuts: number[]): Buffer[] {
  const bounds = [0, ...cuts, buf.length];
  return bounds.slice(1).map((end, i) => buf.subarray(bounds[i], end));
}

const texts = async (chunks: Array<Buffer | string>) => (await collect(splitResponseLines(chunks))).map((l) => l.text);

describe('splitResponseLines', () => {
  it('splits lines across chunk boundaries', async () => {
    expect(await texts(['{"a":', '1}\n{"b"', ':2}\n', '\n{"c":3}\n'])).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
  });

  it('numbers lines from 1, counting empty ones', async () => {
    const lines = await collect(splitResponseLines([Buffer.from('x\n\ny\n')]));
    expect(lines).toEqual([
      { number: 1, text: 'x' },
      { number: 2, text: '' },
      { number: 3, text: 'y' },
    ]);
  });

  it('drops the CR of CRLF line ends', async () => {
    expect(await texts([Buffer.from('{"a":1}\r'), Buffer.from('\n{"b":2}\r\n')])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('yields a final line without terminator', async () => {
    expect(await texts([Buffer.from('{"a":1}\n{"b":2}')])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('decodes a multibyte UTF-8 character split between chunks', async () => {
    const buf = Buffer.from('{"stream":"héllo ✓ 🐳"}\n', 'utf8');
    const check = buf.indexOf(Buffer.from('✓'));
    const whale = buf.indexOf(Buffer.from('🐳'));
    expect(await texts(chunksAt(buf, [check + 1, check + 2, whale + 1, whale + 3]))).toEqual(['{"stream":"héllo ✓ 🐳"}']);
  });

  it('produces the same lines for one-byte chunks as for the whole body', async () => {
    const body = readFixture('build-success');
    const whole = await texts([body]);
    const bytewise = await texts([...body].map((b) => Buffer.from([b])));
    expect(bytewise).toEqual(whole);
    expect(whole).toHaveLength(body.toString().split('\n').length - 1);
  });

  it('bounds a line that never ends', async () => {
    await expect(collect(splitResponseLines([Buffer.from('x'.repeat(50))], { maxLineLength: 10 }))).rejects.toThrow(
      /line 1: line longer than 10 characters/,
    );
  });
});

describe('readEngineResponse', () => {
  it('classifies every line of a real build, at any chunk boundary', async () => {
    const body = readFixture('build-success');
    const reference = (await collect(readEngineResponse([body]))).map((m) => m.kind);
    expect(reference.filter((k) => k === 'trace').length).toBeGreaterThan(10);
    expect(reference.slice(-2)).toEqual(['image-id', 'stream']);
    // Every cut point inside the first 1 KiB plus a spread over the rest: same classification each time.
    const cuts = [...Array(1024).keys(), ...Array.from({ length: 200 }, (_, i) => Math.floor((body.length * i) / 200))];
    for (const cut of cuts) {
      const kinds = (await collect(readEngineResponse(chunksAt(body, [cut])))).map((m) => m.kind);
      expect(kinds).toEqual(reference);
    }
  });

  it('reads from a Readable in small chunks', async () => {
    const body = readFixture('build-failure');
    const stream = Readable.from(chunksAt(body, Array.from({ length: Math.floor(body.length / 7) }, (_, i) => (i + 1) * 7)));
    const messages = await collect(readEngineResponse(stream));
    expect(messages[messages.length - 1]).toEqual({
      kind: 'error',
      message: expect.stringContaining('echo boom && false]: exit code: 1'),
    });
  });

  it('skips blank lines and raises on an unparseable line, naming it', async () => {
    const body = [Buffer.from('{"stream":"ok\\n"}\n\n   \n{"stream": "trunc')];
    const seen: string[] = [];
    const run = async () => {
      for await (const m of readEngineResponse(body)) seen.push(m.kind);
    };
    await expect(run()).rejects.toThrow(ResponseLineError);
    await expect(collect(readEngineResponse(body))).rejects.toThrow(/engine response line 4: invalid JSON.*\{"stream": "trunc/);
    expect(seen).toEqual(['stream']);
  });
});
