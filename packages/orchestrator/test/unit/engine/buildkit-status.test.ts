import { decodeStatusResponse } from '../../../src/engine/buildkit-status';
import { ProtobufDecodeError } from '../../../src/engine/protobuf-reader';
import { fixtureDeltas } from '../../fixtures/trace/fixtures';
import { bytesOf, field, timestamp } from './protobuf-writer';

const T0 = 1_700_000_000_123;

describe('decodeStatusResponse', () => {
  it('decodes every message type and field', () => {
    const bytes = bytesOf([
      field.message(1, [
        field.string(1, 'sha256:aaa'),
        field.string(2, 'sha256:in1'),
        field.string(2, 'sha256:in2'),
        field.string(3, '[2/3] RUN make'),
        field.varint(4, true),
        timestamp(5, T0),
        timestamp(6, T0 + 1500),
        field.string(7, 'exit code: 1'),
        field.message(8, [field.string(1, 'pg'), field.string(2, 'group'), field.varint(3, true)]),
      ]),
      field.message(2, [
        field.string(1, 'exporting layers'),
        field.string(2, 'sha256:aaa'),
        field.string(3, 'layers'),
        field.varint(4, 1024),
        field.varint(5, 4096),
        timestamp(6, T0 + 10),
        timestamp(7, T0),
        timestamp(8, T0 + 20),
      ]),
      field.message(3, [field.string(1, 'sha256:aaa'), timestamp(2, T0 + 5), field.varint(3, 2), field.bytes(4, [0xe2, 0x9c])]),
      field.message(4, [
        field.string(1, 'sha256:aaa'),
        field.varint(2, 1),
        field.string(3, 'short'),
        field.string(4, 'd1'),
        field.string(4, 'd2'),
        field.string(5, 'https://docs'),
        field.message(6, [field.string(1, 'Dockerfile')]),
        field.message(7, [field.message(1, [field.varint(1, 3)])]),
      ]),
    ]);

    expect(decodeStatusResponse(bytes)).toEqual({
      vertexes: [
        {
          digest: 'sha256:aaa',
          inputs: ['sha256:in1', 'sha256:in2'],
          name: '[2/3] RUN make',
          cached: true,
          started: T0,
          completed: T0 + 1500,
          error: 'exit code: 1',
          progressGroup: { id: 'pg', name: 'group', weak: true },
        },
      ],
      statuses: [
        {
          id: 'exporting layers',
          vertex: 'sha256:aaa',
          name: 'layers',
          current: 1024,
          total: 4096,
          timestamp: T0 + 10,
          started: T0,
          completed: T0 + 20,
        },
      ],
      logs: [{ vertex: 'sha256:aaa', timestamp: T0 + 5, stream: 2, msg: Uint8Array.from([0xe2, 0x9c]) }],
      warnings: [{ vertex: 'sha256:aaa', level: 1, short: 'short', detail: ['d1', 'd2'], url: 'https://docs' }],
    });
  });

  it('leaves unset optional fields absent (proto3 defaults)', () => {
    const { vertexes } = decodeStatusResponse(bytesOf([field.message(1, [field.string(1, 'sha256:x'), field.string(7, '')])]));
    expect(vertexes).toEqual([{ digest: 'sha256:x', inputs: [], name: '', cached: false }]);
  });

  it('skips unknown fields of every wire type at every level', () => {
    const bytes = bytesOf([
      field.varint(15, 99),
      field.fixed64(16),
      field.fixed32(17),
      field.string(18, 'future'),
      field.message(1, [field.fixed32(30), field.string(1, 'sha256:v'), field.varint(31, 1), field.string(3, 'name')]),
      field.message(3, [field.string(1, 'sha256:v'), field.fixed64(9), field.bytes(4, [104, 105])]),
    ]);
    const decoded = decodeStatusResponse(bytes);
    expect(decoded.vertexes[0]).toMatchObject({ digest: 'sha256:v', name: 'name' });
    expect(Buffer.from(decoded.logs[0].msg).toString()).toBe('hi');
  });

  it('keeps sub-millisecond timestamp precision as a fraction', () => {
    const bytes = bytesOf([field.message(3, [field.message(2, [field.varint(1, 10), field.varint(2, 1_500_000)])])]);
    expect(decodeStatusResponse(bytes).logs[0].timestamp).toBeCloseTo(10_001.5, 6);
  });

  it('copies log bytes out of the input buffer', () => {
    const bytes = bytesOf([field.message(3, [field.bytes(4, [1, 2, 3])])]);
    const { logs } = decodeStatusResponse(bytes);
    bytes.fill(0);
    expect([...logs[0].msg]).toEqual([1, 2, 3]);
  });

  it('throws on truncated or mistyped input', () => {
    const good = bytesOf([field.message(1, [field.string(1, 'sha256:v')])]);
    expect(() => decodeStatusResponse(good.subarray(0, good.length - 2))).toThrow(ProtobufDecodeError);
    expect(() => decodeStatusResponse(bytesOf([field.varint(1, 5)]))).toThrow(/wire type 0, expected 2/);
  });

  describe('on real engine traces', () => {
    it('decodes the success build: names, cache flags, timestamps, logs, export statuses', () => {
      const deltas = fixtureDeltas('build-success');
      const vertexes = deltas.flatMap((d) => d.vertexes);
      const names = [...new Set(vertexes.map((v) => v.name))];
      expect(names).toEqual([
        '[internal] load remote build context',
        'copy /context /',
        '[internal] load metadata for docker.io/library/fixture-busybox:latest',
        '[1/3] FROM docker.io/library/fixture-busybox:latest',
        '[2/3] RUN echo "line one" && echo "line two"',
        expect.stringMatching(/^\[3\/3\] RUN printf 'partial-'/),
        'exporting to image',
      ]);
      expect(vertexes.some((v) => v.name.startsWith('[2/3]') && v.cached)).toBe(true);
      for (const v of vertexes) {
        expect(v.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        if (v.started !== undefined) expect(v.started).toBeGreaterThan(Date.UTC(2020, 0, 1));
        if (v.completed !== undefined) expect(v.completed).toBeGreaterThanOrEqual(v.started ?? 0);
      }
      const logs = deltas.flatMap((d) => d.logs);
      const stdout = Buffer.concat(logs.filter((l) => l.stream === 1).map((l) => l.msg)).toString('utf8');
      const stderr = Buffer.concat(logs.filter((l) => l.stream === 2).map((l) => l.msg)).toString('utf8');
      expect(stdout).toBe('partial-line joined\nhéllo wörld ✓\nstep 1\nstep 2\nstep 3\n');
      expect(stderr).toBe('to stderr\n');
      const statusIds = new Set(deltas.flatMap((d) => d.statuses.map((s) => s.id)));
      expect([...statusIds]).toEqual(
        expect.arrayContaining(['exporting layers', 'naming to docker.io/library/fixture-trace:1']),
      );
      expect(deltas.every((d) => d.warnings.length === 0)).toBe(true);
    });

    it('decodes the failing vertex error of the failure build', () => {
      const failed = fixtureDeltas('build-failure')
        .flatMap((d) => d.vertexes)
        .filter((v) => v.error !== undefined);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0].name).toContain('echo boom && false');
      expect(failed[0].error).toMatch(/exit code: 1/);
    });
  });
});
