import { VertexLogLines } from '../../../src/progress/log-lines';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('VertexLogLines', () => {
  it('returns complete lines and holds partial ones until completed', () => {
    const logs = new VertexLogLines();
    expect(logs.push(1, b('a\nb\npart'))).toEqual(['a', 'b']);
    expect(logs.push(1, b('ial-'))).toEqual([]);
    expect(logs.push(1, b('line\n'))).toEqual(['partial-line']);
    expect(logs.tail()).toEqual(['a', 'b', 'partial-line']);
  });

  it('decodes UTF-8 characters split between chunks', () => {
    const logs = new VertexLogLines();
    const bytes = b('wörld ✓\n');
    const cut = bytes.indexOf(b('✓')) + 1;
    expect(logs.push(1, bytes.subarray(0, 2))).toEqual([]);
    expect(logs.push(1, bytes.subarray(2, cut))).toEqual([]);
    expect(logs.push(1, bytes.subarray(cut))).toEqual(['wörld ✓']);
  });

  it('keeps partial lines of stdout and stderr apart', () => {
    const logs = new VertexLogLines();
    expect(logs.push(1, b('out-'))).toEqual([]);
    expect(logs.push(2, b('err line\n'))).toEqual(['err line']);
    expect(logs.push(1, b('done\n'))).toEqual(['out-done']);
  });

  it('keeps only the last N lines', () => {
    const logs = new VertexLogLines(3);
    logs.push(1, b(Array.from({ length: 10 }, (_, i) => `l${i + 1}\n`).join('')));
    expect(logs.tail()).toEqual(['l8', 'l9', 'l10']);
  });

  it('flushes unterminated lines, once', () => {
    const logs = new VertexLogLines();
    logs.push(1, b('boom'));
    logs.push(2, b('warn'));
    expect(logs.flush()).toEqual(['boom', 'warn']);
    expect(logs.flush()).toEqual([]);
    expect(logs.tail()).toEqual(['boom', 'warn']);
  });

  it('shows CRLF lines and carriage-return progress bars as a terminal would', () => {
    const logs = new VertexLogLines();
    expect(logs.push(1, b('dos line\r\n 10%\r 50%\r100%\n'))).toEqual(['dos line', '100%']);
  });

  it('emits a runaway partial line instead of buffering it forever', () => {
    const logs = new VertexLogLines();
    const lines = logs.push(1, b('x'.repeat(70 * 1024)));
    expect(lines).toHaveLength(1);
    expect(logs.tail()[0].length).toBeLessThanOrEqual(4097);
  });
});
