import { compactFiles, diffInputs, FILES_LABEL_BUDGET, type InputDigests } from '../../../src/orchestration/image-labels';

describe('input digest labels', () => {
  it('keeps per-file digests while they fit', () => {
    const files = { 'a.txt': 'file:644:aaaaaaaaaaaa', 'src/b.c': 'file:644:bbbbbbbbbbbb' };
    expect(compactFiles(files)).toEqual(files);
  });

  it('folds large contexts into per-folder digests that fit the budget and still locate a change', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20000; i++) files[`d${i % 200}/sub/f${i}.bin`] = `file:644:${String(i).padStart(12, '0')}`;
    files['Dockerfile'] = 'file:644:dddddddddddd';
    const before = compactFiles(files);
    expect(JSON.stringify(before).length).toBeLessThanOrEqual(FILES_LABEL_BUDGET);
    expect(before['Dockerfile']).toBe('file:644:dddddddddddd');
    expect(Object.keys(before)).toContain('d7/sub/'); // the deepest folder level that fits

    const changed = { ...files, 'd7/sub/f7.bin': 'file:644:ffffffffffff' };
    const after = compactFiles(changed);
    const base: Omit<InputDigests, 'files'> = { dockerfile: 'x', target: null, args: {}, upstream: {} };
    expect(diffInputs({ ...base, files: before }, { ...base, files: after }).files).toEqual(['d7/sub/']);
  });

  it('falls back to one digest when even top-level folders do not fit', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) files[`f${i}`] = `file:644:${String(i).padStart(12, '0')}`;
    const compact = compactFiles(files, 1024);
    expect(Object.keys(compact)).toEqual(['*']);
  });
});
