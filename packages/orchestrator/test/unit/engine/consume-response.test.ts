import { Readable } from 'node:stream';
import { consumeEngineResponse, EngineStreamError } from '../../../src/engine/consume-response';
import { EngineResponseMessage, ResponseLineError } from '../../../src/engine/response-message';
import { fixturePath, readFixture } from '../../fixtures/trace/fixtures';
import { createReadStream } from 'node:fs';

const lines = (...objs: unknown[]) => [Buffer.from(objs.map((o) => `${JSON.stringify(o)}\r\n`).join(''))];

describe('consumeEngineResponse', () => {
  it('returns the image id of a successful build', async () => {
    const summary = await consumeEngineResponse(createReadStream(fixturePath('build-success'), { highWaterMark: 64 }));
    expect(summary).toEqual({ imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), aux: [] });
  });

  it('returns the same image id for the fully cached rebuild', async () => {
    const a = await consumeEngineResponse([readFixture('build-success')]);
    const b = await consumeEngineResponse([readFixture('build-cached')]);
    expect(b.imageId).toBe(a.imageId);
  });

  it('throws the in-band error of a failed build (HTTP 200) after showing it to onMessage', async () => {
    const seen: EngineResponseMessage[] = [];
    const run = consumeEngineResponse([readFixture('build-failure')], { onMessage: (m) => seen.push(m) });
    await expect(run).rejects.toThrow(EngineStreamError);
    await expect(consumeEngineResponse([readFixture('build-failure')])).rejects.toThrow(
      /executor failed running \[\/bin\/sh -c .*echo boom && false\]: exit code: 1/,
    );
    expect(seen[seen.length - 1].kind).toBe('error');
    expect(seen.filter((m) => m.kind === 'trace').length).toBeGreaterThan(10);
  });

  it('fails on an errorDetail even when the rest of the stream looks successful', async () => {
    const body = lines(
      { stream: 'Step 1/2 : FROM scratch\n' },
      { aux: { ID: 'sha256:123' } },
      { errorDetail: { message: 'failed to export image', code: 2 }, error: 'failed to export image' },
      { stream: 'Successfully built 123\n' },
    );
    const error = await consumeEngineResponse(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineStreamError);
    expect(error).toMatchObject({ message: 'failed to export image', code: 2 });
  });

  it('collects other aux payloads (push results)', async () => {
    const body = lines({ status: 'The push refers to repository [r/x]' }, { progressDetail: {}, aux: { Tag: '1', Digest: 'sha256:d', Size: 9 } });
    expect(await consumeEngineResponse(body)).toEqual({ aux: [{ aux: { Tag: '1', Digest: 'sha256:d', Size: 9 } }] });
  });

  it('rejects a corrupt line instead of ignoring it', async () => {
    await expect(consumeEngineResponse([Buffer.from('{"stream":"a"}\nnot json\n')])).rejects.toThrow(ResponseLineError);
  });

  it('stops reading and destroys a Readable body on failure', async () => {
    let served = 0;
    const body = new Readable({
      read() {
        served++;
        if (served === 1) this.push(Buffer.from('{"errorDetail":{"message":"early"}}\n'));
        else this.push(Buffer.from('{"stream":"more"}\n'));
      },
    });
    await expect(consumeEngineResponse(body)).rejects.toThrow('early');
    expect(body.destroyed).toBe(true);
  });
});
