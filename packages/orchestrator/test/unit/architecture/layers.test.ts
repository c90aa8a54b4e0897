import { join } from 'node:path';
import { checkLayers, formatLayerTable, ROOT } from '../../architecture/layer-rule';

const SRC = join(__dirname, '../../../src');
const FIXTURE = join(__dirname, '../../fixtures/layers/src');

describe('layers of packages/orchestrator/src only point down', () => {
  it('no file imports from a higher layer or a peer folder, and every folder is placed', () => {
    const check = checkLayers(SRC);
    // Messages, not objects: a failure then reads as `file:line: imports X (layer L) from layer M`.
    expect([...check.tableErrors, ...check.violations.map((v) => v.message)]).toEqual([]);
    expect(check.importsChecked).toBeGreaterThan(100); // the walk did see the source
  });
});

describe('the layer rule itself (fixture with planted violations)', () => {
  const table = [[ROOT], ['top'], ['left', 'right'], ['bottom']];
  const check = checkLayers(FIXTURE, table);

  it('reports an upward import with file, line, and both layers', () => {
    expect(check.violations.map((v) => v.message)).toContain('bottom/leak.ts:2: imports ../top/a (layer 2 top/) from layer 0 bottom/');
  });

  it('resolves a folder import (`../top` is top/index.ts) to that folder', () => {
    expect(check.violations.map((v) => v.message)).toContain('bottom/via-index.ts:2: imports ../top (layer 2 top/) from layer 0 bottom/');
  });

  it('reports an import between peers of one layer', () => {
    expect(check.violations.map((v) => v.message)).toContain('left/l.ts:2: imports ../right/r (layer 1 right/) from layer 1 left/: same layer, peers stay independent');
  });

  it('accepts downward imports and the root index, and reports nothing else', () => {
    expect(check.violations).toHaveLength(3);
    expect(check.importsChecked).toBe(6);
  });

  it('names a folder the table does not place, and a table entry with no folder', () => {
    expect(checkLayers(FIXTURE, [...table, ['gone']]).tableErrors).toEqual([
      'src/stray/ is not in the layer table: place it in a layer',
      'the layer table names gone/, which src/ does not have',
    ]);
  });

  it('prints the table top first, numbered from the bottom', () => {
    expect(formatLayerTable(table)).toBe(' 3  index.ts\n 2  top/\n 1  left/ right/\n 0  bottom/');
  });
});
