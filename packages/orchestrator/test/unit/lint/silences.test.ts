import { APP_YAML, BASE_PINS, lintFiles, where } from './lint-helpers';

const RUN_APT = 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*';

function dockerfile(...lines: string[]): Record<string, string> {
  return { 'pins.yaml': BASE_PINS, 'fragments/app/fragment.yaml': APP_YAML, 'fragments/app/Dockerfile': ['ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}', ...lines, ''].join('\n') };
}

describe('silencing one line: # fragments-lint-ignore <rule> -- <reason>', () => {
  it('without a silence the finding is there', () => {
    expect(lintFiles(dockerfile(RUN_APT)).map(where)).toEqual(['fragments/app/Dockerfile:3: apt-no-recommends']);
  });

  it('a silence with a reason on the line before removes it', () => {
    expect(lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends -- curl needs its recommended CA bundle', RUN_APT))).toEqual([]);
  });

  it('silences only the line after it', () => {
    const findings = lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends -- the first one only', RUN_APT, RUN_APT));
    expect(findings.map(where)).toEqual(['fragments/app/Dockerfile:5: apt-no-recommends']);
  });

  it('silences only the rules it names; several may be named', () => {
    const run = 'RUN apt-get update && apt-get install -y curl';
    expect(lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends -- reason', run)).map(where)).toEqual(['fragments/app/Dockerfile:4: apt-lists']);
    expect(lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends, apt-lists -- reason', run))).toEqual([]);
  });

  it('a silence without a reason is a finding and silences nothing', () => {
    const findings = lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends', RUN_APT));
    expect(findings.map(where)).toEqual(['fragments/app/Dockerfile:3: lint-ignore', 'fragments/app/Dockerfile:4: apt-no-recommends']);
    expect(findings[0].message).toBe('silence without a reason');
  });

  it('an empty reason after -- is no reason', () => {
    expect(lintFiles(dockerfile('# fragments-lint-ignore apt-no-recommends --', RUN_APT)).map((f) => f.message)).toContain('silence without a reason');
  });

  it('an unknown rule id is a finding', () => {
    const findings = lintFiles(dockerfile('# fragments-lint-ignore apt-no-recomends -- typo', RUN_APT));
    expect(findings.map(where)).toEqual(['fragments/app/Dockerfile:3: lint-ignore', 'fragments/app/Dockerfile:4: apt-no-recommends']);
    expect(findings[0].message).toBe('silence names unknown rule "apt-no-recomends"');
    expect(findings[0].hint).toContain('apt-no-recommends');
  });

  it('a silence that silences nothing is a finding (stale, or not right above the instruction)', () => {
    const findings = lintFiles(dockerfile('# fragments-lint-ignore apt-lists -- left over', 'RUN true'));
    expect(findings.map(where)).toEqual(['fragments/app/Dockerfile:3: lint-ignore']);
    expect(findings[0].message).toBe('silence of apt-lists silences nothing on line 4');
  });

  it('findings about silences cannot themselves be silenced', () => {
    const findings = lintFiles(dockerfile('# fragments-lint-ignore lint-ignore -- no', '# fragments-lint-ignore apt-no-recommends', RUN_APT));
    expect(findings.filter((f) => f.rule === 'lint-ignore').map((f) => f.message)).toContain('silence names unknown rule "lint-ignore"');
  });

  it('works in pins.yaml too, on the line above the key', () => {
    const pins = 'images:\n  base: docker.io/library/ubuntu:24.04\n  # fragments-lint-ignore base-image-tag -- a local test image, rebuilt by tools/make-base-images.sh\n  local: local/test:latest\n';
    expect(lintFiles({ ...dockerfile('RUN true'), 'pins.yaml': pins })).toEqual([]);
    expect(lintFiles({ ...dockerfile('RUN true'), 'pins.yaml': pins.replace(/ {2}# .*\n/, '') }).map(where)).toEqual(['pins.yaml:3: base-image-tag']);
  });
});
