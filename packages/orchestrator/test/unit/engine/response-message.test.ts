import {
  classifyResponseLine,
  EngineResponseMessage,
  ResponseLineError,
} from '../../../src/engine/response-message';
import { create, toBinary } from '@bufbuild/protobuf';
import { StatusResponseSchema } from '../../../src/generated/buildkit/control_pb';

const classify = (value: unknown, n = 1): EngineResponseMessage => classifyResponseLine(JSON.stringify(value), n);
const traceB64 = Buffer.from(toBinary(StatusResponseSchema, create(StatusResponseSchema, { vertexes: [{ digest: 'sha256:v', name: 'step' }] }))).toString(
  'base64',
);

describe('classifyResponseLine', () => {
  it('decodes BuildKit trace lines', () => {
    const msg = classify({ id: 'moby.buildkit.trace', aux: traceB64 });
    expect(msg).toEqual({
      kind: 'trace',
      status: { vertexes: [{ digest: 'sha256:v', inputs: [], name: 'step', cached: false }], statuses: [], logs: [], warnings: [] },
    });
  });

  it('reads the image id from moby.image.id and from the classic id-less aux', () => {
    expect(classify({ id: 'moby.image.id', aux: { ID: 'sha256:abc' } })).toEqual({ kind: 'image-id', imageId: 'sha256:abc' });
    expect(classify({ aux: { ID: 'sha256:def' } })).toEqual({ kind: 'image-id', imageId: 'sha256:def' });
  });

  it('prefers errorDetail.message, falls back to error, keeps the code', () => {
    expect(classify({ errorDetail: { message: 'detail msg', code: 1 }, error: 'old msg' })).toEqual({
      kind: 'error',
      message: 'detail msg',
      code: 1,
    });
    expect(classify({ error: 'only old' })).toEqual({ kind: 'error', message: 'only old' });
    expect(classify({ errorDetail: {}, error: 'fallback' })).toEqual({ kind: 'error', message: 'fallback' });
  });

  it('never reports an empty error message', () => {
    const msg = classify({ errorDetail: {} });
    expect(msg.kind).toBe('error');
    expect(msg.kind === 'error' && msg.message).toMatch(/engine reported an error: \{"errorDetail":\{\}\}/);
  });

  it('treats an error as a failure even on a line that also looks like progress', () => {
    expect(classify({ stream: 'Step 2/3', errorDetail: { message: 'bad' } })).toEqual({ kind: 'error', message: 'bad' });
    expect(classify({ id: 'moby.buildkit.trace', aux: 'not base64!', error: 'boom' })).toEqual({ kind: 'error', message: 'boom' });
  });

  it('classifies stream, status, other aux and unknown objects', () => {
    expect(classify({ stream: 'Successfully tagged x:1\n' })).toEqual({ kind: 'stream', text: 'Successfully tagged x:1\n' });
    expect(
      classify({ status: 'Pushing', id: 'abc123', progress: '[=>  ]', progressDetail: { current: 5, total: 10 } }),
    ).toEqual({ kind: 'status', status: 'Pushing', id: 'abc123', progress: '[=>  ]', progressDetail: { current: 5, total: 10 } });
    expect(classify({ status: 'Waiting', progressDetail: {} })).toEqual({ kind: 'status', status: 'Waiting', progressDetail: {} });
    expect(classify({ progressDetail: {}, aux: { Tag: 'v1', Digest: 'sha256:1', Size: 528 } })).toEqual({
      kind: 'aux',
      aux: { Tag: 'v1', Digest: 'sha256:1', Size: 528 },
    });
    expect(classify({ somethingNew: true })).toEqual({ kind: 'other', value: { somethingNew: true } });
  });

  it.each([
    ['{"stream": "cut', /line 7: invalid JSON/],
    ['[1,2]', /line 7: not a JSON object: \[1,2\]/],
    ['"text"', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"id":"moby.buildkit.trace","aux":"@@@@"}', /trace aux is not a base64 string/],
    ['{"id":"moby.buildkit.trace","aux":{"x":1}}', /trace aux is not a base64 string/],
    [`{"id":"moby.buildkit.trace","aux":"${Buffer.from([0x0a, 0x05, 0x01]).toString('base64')}"}`, /undecodable BuildKit trace/],
    ['{"id":"moby.image.id","aux":{}}', /image id line without aux.ID/],
  ])('rejects %s naming the line', (line, message) => {
    let error: unknown;
    try {
      classifyResponseLine(line, 7);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ResponseLineError);
    expect((error as Error).message).toMatch(message);
    expect(error).toMatchObject({ lineNumber: 7, line });
  });

  it('abbreviates long offending lines in the message but keeps the full line', () => {
    const line = `{"x": "${'a'.repeat(500)}`;
    try {
      classifyResponseLine(line, 1);
      throw new Error('expected a throw');
    } catch (err) {
      expect((err as ResponseLineError).line).toBe(line);
      expect((err as Error).message).toMatch(new RegExp(`… \\(${line.length} chars\\)$`));
    }
  });
});
