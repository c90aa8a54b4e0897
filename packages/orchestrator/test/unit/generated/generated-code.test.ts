// The protobuf code in src/generated must be exactly what `npm run generate:proto` makes of proto/: regenerate
// into a temporary directory with the pinned buf and protoc-gen-es, and compare file by file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const packageRoot = join(__dirname, '..', '..', '..');
const checkedIn = join(packageRoot, 'src', 'generated');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('generated protobuf code', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'generate-proto-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is current: regenerating proto/ changes nothing (run `npm run generate:proto` after editing a .proto)', () => {
    const bin = join(dirname(require.resolve('@bufbuild/buf/package.json')), '..', '..', '.bin');
    // Same template as the npm script; -o puts its `src/generated` under the temporary directory.
    const run = spawnSync(join(bin, 'buf'), ['generate', '--template', 'proto/buf.gen.yaml', '-o', out], {
      cwd: packageRoot,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const fresh = join(out, 'src', 'generated');
    expect(filesUnder(checkedIn)).toEqual(filesUnder(fresh));
    for (const file of filesUnder(fresh)) {
      expect({ file, text: readFileSync(join(checkedIn, file), 'utf8') }).toEqual({ file, text: readFileSync(join(fresh, file), 'utf8') });
    }
  });
});
