import { MAX_LAYERS } from '../../../src/lint/rules/layer-count';
import { APP_YAML, BASE_PINS, lintFiles, where } from './lint-helpers';

/** `n` layer-creating instructions (alternating RUN and COPY), one per line. */
function layers(n: number): string {
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `RUN echo ${i} > /layer-${i}\n` : `COPY fragment.yaml /copy-${i}.yaml\n`)).join('');
}

/** lower (FROM a pinned base) <- upper (FROM ${LOWER}, a `uses:` ARG). */
function chain(lower: number, upper: number): Record<string, string> {
  return {
    'pins.yaml': BASE_PINS,
    'fragments/lower/fragment.yaml': APP_YAML.replace('test/app', 'test/lower'),
    'fragments/lower/Dockerfile': `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nENV A=1\n${layers(lower)}`,
    'fragments/upper/fragment.yaml': 'image: test/upper\nuses: { LOWER: lower }\n',
    'fragments/upper/Dockerfile': `ARG LOWER\nFROM \${LOWER}\nWORKDIR /x\n${layers(upper)}`,
  };
}

describe('layer-count', () => {
  it(`counts through the upstream fragment's image: 60 + 45 layers is over ${MAX_LAYERS}`, () => {
    const findings = lintFiles(chain(60, 45));
    expect(findings.map(where)).toEqual(['fragments/upper/Dockerfile:2: layer-count']);
    expect(findings[0].message).toBe('image of upper has 105 layers (60 from lower, 45 from upper) plus those of its base image, over 100');
  });

  it('passes at 100 (ENV, WORKDIR and FROM add no layer)', () => {
    expect(lintFiles(chain(55, 45))).toEqual([]);
  });

  it('counts the stages a stage is FROM, not stages it only copies from', () => {
    const dockerfile = `ARG BASE_IMAGE\nFROM \${BASE_IMAGE} AS one\n${layers(40)}FROM one AS two\n${layers(40)}FROM \${BASE_IMAGE} AS side\n${layers(90)}FROM two\nCOPY --from=side /x /x\n${layers(20)}`;
    const findings = lintFiles({ 'pins.yaml': BASE_PINS, 'fragments/app/fragment.yaml': APP_YAML, 'fragments/app/Dockerfile': dockerfile });
    expect(findings.map(where)).toEqual([`fragments/app/Dockerfile:${2 + 40 + 1 + 40 + 1 + 90 + 1}: layer-count`]);
    expect(findings[0].message).toContain('has 101 layers');
  });

  it('reports a fragment once, for its deepest variant', () => {
    const files = chain(60, 10);
    files['fragments/upper/fragment.yaml'] = 'image: test/upper-${v}\nuses: { LOWER: lower }\nvariants: { v: [a, b] }\nargs: { V: "${v}" }\n';
    files['fragments/upper/Dockerfile'] = `ARG LOWER\nARG V\nFROM \${LOWER} AS base\nFROM base AS variant-a\n${layers(50)}FROM base AS variant-b\n${layers(10)}FROM variant-\${V}\n`;
    const findings = lintFiles(files);
    expect(findings.map((f) => f.message)).toEqual(['image of upper.a has 110 layers (60 from lower, 50 from upper) plus those of its base image, over 100']);
  });
});
