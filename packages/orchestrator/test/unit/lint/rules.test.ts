import { LINT_RULES } from '../../../src/lint/rule-registry';
import { lintFixture, where } from './lint-helpers';

/**
 * Each rule has a fixture workspace that breaks it (test/fixtures/lint/<rule>/fail) and one that follows it (…/pass).
 * The fail fixture must produce exactly these findings (every one at its file:line, and nothing from other rules);
 * the pass fixture, which holds the near misses, must be clean. `fragments --root <fixture> lint` shows the same.
 */
const expected: Record<string, string[]> = {
  'base-image-tag': [
    'fragments/app/Dockerfile:5: base-image-tag', // FROM debian
    'fragments/app/Dockerfile:6: base-image-tag', // FROM ${HELPER_IMAGE}, default "alpine"
    'fragments/app/Dockerfile:7: base-image-tag', // FROM ${TOOLS_IMAGE}, args: busybox:latest
    'fragments/app/Dockerfile:10: base-image-tag', // COPY --from=ghcr.io/astral-sh/uv:latest
    'fragments/app/Dockerfile:11: base-image-tag', // RUN --mount=…,from=busybox
    'pins.yaml:4: base-image-tag', // untagged
    'pins.yaml:6: base-image-tag', // per-platform :latest
    'profiles/dev.yaml:2: base-image-tag', // a profile's :latest
  ],
  'arg-unbound': [
    'fragments/app/Dockerfile:2: arg-unbound', // global ARG UNUSED
    'fragments/app/Dockerfile:4: arg-unbound', // stage ARG MODE, used by RUN
  ],
  'apt-no-recommends': [
    'fragments/app/Dockerfile:3: apt-no-recommends', // one line
    'fragments/app/Dockerfile:4: apt-no-recommends', // continuation lines with a comment, `apt -y install`
    'fragments/app/Dockerfile:9: apt-no-recommends', // heredoc
  ],
  'apt-lists': [
    'fragments/app/Dockerfile:3: apt-lists',
    'fragments/app/Dockerfile:4: apt-lists', // apt-get clean does not remove the lists; a cache on /var/cache/apt is not one on the lists
  ],
  credentials: [
    'fragments/app/Dockerfile:3: credentials', // ARG GITHUB_TOKEN
    'fragments/app/Dockerfile:4: credentials', // ENV AWS_SECRET_ACCESS_KEY
    'fragments/app/Dockerfile:5: credentials', // an AKIA… value under an innocent name
    'fragments/app/Dockerfile:6: credentials', // a password in a URL
  ],
  'download-checksum': [
    'fragments/app/Dockerfile:5: download-checksum', // curl of a pinned URL, never checked
    'fragments/app/Dockerfile:6: download-checksum', // ADD http without --checksum
    'fragments/app/Dockerfile:7: download-checksum', // wget | sh
    'fragments/app/Dockerfile:8: download-checksum', // curl inside $(…)
  ],
  'git-pinned-ref': [
    'fragments/app/Dockerfile:4: git-pinned-ref', // no ref
    'fragments/app/Dockerfile:5: git-pinned-ref', // --branch main
    'fragments/app/Dockerfile:6: git-pinned-ref', // ADD of a git URL without #ref
  ],
  'artifact-built-twice': [
    'fragments/backend/Dockerfile:5: artifact-built-twice', // UCX source again
    'fragments/backend/Dockerfile:5: artifact-built-twice', // UCX prefix again
    'fragments/backend/Dockerfile:7: artifact-built-twice', // cargo install sccache again
    'fragments/other/Dockerfile:3: artifact-built-twice', // wheels into /opt/wheels, like backend
  ],
  'runtime-compilers': [
    'fragments/runtime/Dockerfile:7: runtime-compilers', // build-essential in layout-slim
    'fragments/runtime/Dockerfile:9: runtime-compilers', // the whole CUDA bin folder in layout-full (reached through layout-${LAYOUT})
    'fragments/runtime/Dockerfile:11: runtime-compilers', // cmake from PyPI
  ],
  'runtime-wheel-without-nixl': [
    'fragments/copier/Dockerfile:6: runtime-wheel-without-nixl', // FROM a stage that copied the NIXL image's files
    'fragments/dynamo/Dockerfile:3: runtime-wheel-without-nixl', // FROM the NIXL image
    'fragments/mounter/Dockerfile:5: runtime-wheel-without-nixl', // a bind mount of a stage FROM the NIXL image
  ],
};

describe('every rule has a failing and a passing fixture', () => {
  it('covers every registered rule', () => {
    // layer-count needs 100+ instructions: its fixtures are generated in layer-count.test.ts.
    expect(Object.keys(expected).sort()).toEqual(LINT_RULES.map((r) => r.id).filter((id) => id !== 'layer-count').sort());
  });

  describe.each(Object.entries(expected))('%s', (rule, findings) => {
    it('fails with each finding at its file:line', () => {
      expect(lintFixture(rule, 'fail').map(where)).toEqual(findings);
    });

    it('passes the near misses', () => {
      expect(lintFixture(rule, 'pass').map(where)).toEqual([]);
    });
  });
});

describe('finding messages say what and where', () => {
  const messages = (rule: string) => lintFixture(rule, 'fail').map((f) => f.message);

  it('base-image-tag names the resolved image and where its value came from', () => {
    expect(messages('base-image-tag')).toEqual([
      'base image "debian" has no tag, so it means "latest" and changes under the build',
      'base image ${HELPER_IMAGE} is "alpine" (from the default of ARG HELPER_IMAGE on line 2), which has no tag, so it means "latest" and changes under the build',
      'base image ${TOOLS_IMAGE} is "docker.io/library/busybox:latest" (from args.TOOLS_IMAGE in fragments/app/fragment.yaml), which uses the "latest" tag, which moves',
      'image in COPY --from "ghcr.io/astral-sh/uv:latest" uses the "latest" tag, which moves',
      'image in RUN --mount from= "busybox" has no tag, so it means "latest" and changes under the build',
      'images.untagged "docker.io/library/ubuntu" has no tag, so it means "latest" and changes under the build',
      'images.uv.linux/amd64 "ghcr.io/astral-sh/uv:latest" uses the "latest" tag, which moves',
      'images.base "docker.io/library/ubuntu:latest" uses the "latest" tag, which moves',
    ]);
  });

  it('artifact-built-twice points at the first build', () => {
    expect(messages('artifact-built-twice')).toContain('builds install prefix /usr/local/ucx, which fragment "ucx" already builds (fragments/ucx/Dockerfile:4)');
  });

  it('runtime-compilers names the tools outside jit:', () => {
    expect(messages('runtime-compilers')[0]).toBe('installs build-essential, bringing gcc, g++, make: not in the jit: list of fragments/runtime/fragment.yaml');
  });

  it('every finding has a hint', () => {
    for (const rule of Object.keys(expected)) {
      for (const f of lintFixture(rule, 'fail')) expect(f.hint).not.toBe('');
    }
  });
});

describe('a profile does not change what the structure rules see', () => {
  it('FROM layout-${PINNED} is followed into every layout, whatever the selected profile pins', () => {
    // versions.layout is "slim", but layout-full (line 9) ships too under some profile: both are checked.
    expect(lintFixture('runtime-compilers', 'fail').map(where)).toContain('fragments/runtime/Dockerfile:9: runtime-compilers');
  });
});
