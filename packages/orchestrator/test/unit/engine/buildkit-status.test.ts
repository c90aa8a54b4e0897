import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { decodeStatusResponse } from '../../../src/engine/buildkit-status';
import { StatusResponseSchema, VertexLogSchema, VertexSchema, VertexWarningSchema } from '../../../src/generated/buildkit/control_pb';
import { asGoldenJson, fixtureDecodedGolden, fixtureDeltas, type TraceFixture } from '../../fixtures/trace/fixtures';

const T0 = 1_700_000_000_123;
const ts = (ms: number) => timestampFromMs(ms);
const text = (s: string) => new TextEncoder().encode(s);
const statusBytes = (init: Parameters<typeof create<typeof StatusResponseSchema>>[1]) => toBinary(StatusResponseSchema, create(StatusResponseSchema, init));

describe('decodeStatusResponse', () => {
  it('decodes every message type and field', () => {
    const bytes = statusBytes({
      vertexes: [
        {
          digest: 'sha256:aaa',
          inputs: ['sha256:in1', 'sha256:in2'],
          name: '[2/3] RUN make',
          cached: true,
          started: ts(T0),
          completed: ts(T0 + 1500),
          error: 'exit code: 1',
          progressGroup: { id: 'pg', name: 'group', weak: true },
        },
      ],
      statuses: [
        { ID: 'exporting layers', vertex: 'sha256:aaa', name: 'layers', current: 1024n, total: 4096n, timestamp: ts(T0 + 10), started: ts(T0), completed: ts(T0 + 20) },
      ],
      logs: [{ vertex: 'sha256:aaa', timestamp: ts(T0 + 5), stream: 2n, msg: Uint8Array.from([0xe2, 0x9c]) }],
      warnings: [{ vertex: 'sha256:aaa', level: 1n, short: text('short'), detail: [text('d1'), text('d2')], url: 'https://docs' }],
    });

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
      statuses: [{ id: 'exporting layers', vertex: 'sha256:aaa', name: 'layers', current: 1024, total: 4096, timestamp: T0 + 10, started: T0, completed: T0 + 20 }],
      logs: [{ vertex: 'sha256:aaa', timestamp: T0 + 5, stream: 2, msg: Uint8Array.from([0xe2, 0x9c]) }],
      warnings: [{ vertex: 'sha256:aaa', level: 1, short: 'short', detail: ['d1', 'd2'], url: 'https://docs' }],
    });
  });

  it('leaves unset optional fields absent (proto3 defaults)', () => {
    const { vertexes } = decodeStatusResponse(statusBytes({ vertexes: [{ digest: 'sha256:x', error: '' }] }));
    expect(vertexes).toEqual([{ digest: 'sha256:x', inputs: [], name: '', cached: false }]);
  });

  it('skips unknown fields of every wire type at every level (newer engines add fields)', () => {
    const vertex = new BinaryWriter()
      .tag(30, WireType.Bit32).fixed32(1)
      .raw(toBinary(VertexSchema, create(VertexSchema, { digest: 'sha256:v', name: 'name' })))
      .tag(31, WireType.Varint).uint32(1)
      .finish();
    // VertexWarning's source info (6) and ranges (7), which the schema leaves out on purpose.
    const warning = new BinaryWriter()
      .raw(toBinary(VertexWarningSchema, create(VertexWarningSchema, { vertex: 'sha256:v', short: text('w') })))
      .tag(6, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).string('Dockerfile').finish())
      .tag(7, WireType.LengthDelimited).bytes(Uint8Array.of(0x0a, 0x02, 0x08, 0x03))
      .finish();
    const log = new BinaryWriter()
      .tag(9, WireType.Bit64).fixed64(7n)
      .raw(toBinary(VertexLogSchema, create(VertexLogSchema, { vertex: 'sha256:v', msg: text('hi') })))
      .finish();
    const bytes = new BinaryWriter()
      .tag(15, WireType.Varint).uint32(99)
      .tag(16, WireType.Bit64).fixed64(1n)
      .tag(17, WireType.Bit32).fixed32(2)
      .tag(18, WireType.LengthDelimited).string('future')
      .tag(1, WireType.LengthDelimited).bytes(vertex)
      .tag(3, WireType.LengthDelimited).bytes(log)
      .tag(4, WireType.LengthDelimited).bytes(warning)
      .finish();
    const decoded = decodeStatusResponse(bytes);
    expect(decoded.vertexes).toEqual([{ digest: 'sha256:v', inputs: [], name: 'name', cached: false }]);
    expect(Buffer.from(decoded.logs[0].msg).toString()).toBe('hi');
    expect(decoded.warnings).toEqual([{ vertex: 'sha256:v', level: 0, short: 'w', detail: [], url: '' }]);
  });

  it('keeps sub-millisecond timestamp precision as a fraction', () => {
    const bytes = statusBytes({ logs: [{ timestamp: { seconds: 10n, nanos: 1_500_000 } }] });
    expect(decodeStatusResponse(bytes).logs[0].timestamp).toBeCloseTo(10_001.5, 6);
  });

  it('copies log bytes out of the input buffer', () => {
    const bytes = statusBytes({ logs: [{ msg: Uint8Array.of(1, 2, 3) }] });
    const { logs } = decodeStatusResponse(bytes);
    bytes.fill(0);
    expect([...logs[0].msg]).toEqual([1, 2, 3]);
  });

  it('accepts strings that are not valid UTF-8, as the hand decoder did (Engine 20.10 does not check them)', () => {
    const name = new BinaryWriter().tag(3, WireType.LengthDelimited).bytes(Uint8Array.of(0x52, 0x55, 0x4e, 0x20, 0xff)).finish();
    const bytes = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(name).finish();
    expect(decodeStatusResponse(bytes).vertexes[0].name).toBe('RUN \ufffd');
  });

  it('throws on truncated or mistyped input', () => {
    const good = statusBytes({ vertexes: [{ digest: 'sha256:v' }] });
    expect(() => decodeStatusResponse(good.subarray(0, good.length - 2))).toThrow();
    // A varint where the Vertex message should be.
    expect(() => decodeStatusResponse(new BinaryWriter().tag(1, WireType.Varint).uint32(5).finish())).toThrow();
  });

  describe('on real engine traces', () => {
    it.each<TraceFixture>(['build-success', 'build-cached', 'build-failure'])('%s decodes exactly as the hand-written decoder did', (name) => {
      expect(asGoldenJson(fixtureDeltas(name))).toEqual(fixtureDecodedGolden(name));
    });

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
      expect([...statusIds]).toEqual(expect.arrayContaining(['exporting layers', 'naming to docker.io/library/fixture-trace:1']));
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
