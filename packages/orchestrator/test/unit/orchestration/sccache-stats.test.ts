import { formatSccacheStats, SccacheLogScanner } from '../../../src/orchestration/sccache-stats';

// What Debian's sccache 0.4 prints for `--show-stats --stats-format json` (abridged to the fields read).
const json = (hits: number, misses: number) =>
  JSON.stringify({ stats: { compile_requests: hits + misses, cache_hits: { counts: hits ? { 'C/C++': hits } : {} }, cache_misses: { counts: misses ? { 'C/C++': misses } : {} } } });

describe('sccache statistics from build logs', () => {
  it('reads the JSON between the markers, split across chunks anywhere, and adds up steps', () => {
    const scanner = new SccacheLogScanner();
    const log = `+ gcc ...\nSCCACHE_JSON_BEGIN\n${json(0, 2)}\nSCCACHE_JSON_END\n`;
    for (let i = 0; i < log.length; i += 7) scanner.feed('v1', log.slice(i, i + 7));
    scanner.feed('v2', `SCCACHE_JSON_BEGIN\r\n${json(3, 1)}\r\nSCCACHE_JSON_END\r\n`);
    expect(scanner.result()).toEqual({ compileRequests: 6, hits: 3, misses: 3, steps: 2 });
    expect(formatSccacheStats(scanner.result()!)).toBe('6 compile requests, 3 hits, 3 misses (50% hit rate)');
  });

  it('ignores set -x echoes of the markers and unparseable blocks, and reports nothing without markers', () => {
    const scanner = new SccacheLogScanner();
    scanner.feed('v', '+ echo SCCACHE_JSON_BEGIN\nnot json\n');
    expect(scanner.result()).toBeUndefined();
    scanner.feed('v', 'SCCACHE_JSON_BEGIN\nnot json\nSCCACHE_JSON_END\n');
    expect(scanner.result()).toBeUndefined();
  });

  it("reads Dynamo's framed markers and wrapper object (and skips a disabled step)", () => {
    const scanner = new SccacheLogScanner();
    scanner.feed('v', `=== SCCACHE_JSON_BEGIN ===\n{"section":"nixl","enabled":true,"sccache_version":"0.4.0","sccache_stats":${json(4, 1)}}\n=== SCCACHE_JSON_END ===\n`);
    scanner.feed('w', '=== SCCACHE_JSON_BEGIN ===\n{"section":"ucx","enabled":false,"sccache_version":null,"sccache_stats":null}\n=== SCCACHE_JSON_END ===\n');
    expect(scanner.result()).toEqual({ compileRequests: 5, hits: 4, misses: 1, steps: 1 });
  });

  it('keeps interleaved vertices apart', () => {
    const scanner = new SccacheLogScanner();
    scanner.feed('a', 'SCCACHE_JSON_BEGIN\n');
    scanner.feed('b', 'noise line\n');
    scanner.feed('a', `${json(1, 0)}\nSCCACHE_JSON_END\n`);
    expect(scanner.result()).toEqual({ compileRequests: 1, hits: 1, misses: 0, steps: 1 });
  });
});
