import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { artifactsOf, type Artifact } from '../analysis/build-artifacts';
import type { FragmentLint } from '../lint-context';

const ID = 'artifact-built-twice';

export const artifactBuiltTwice: LintRule = {
  id: ID,
  description:
    'Each artifact is built in one fragment (the proposal\'s first complaint: NIXL and UCX rebuilt per backend). An ' +
    'artifact is what a RUN builds, identified by: a dedicated install prefix (configure/meson --prefix, ' +
    '-DCMAKE_INSTALL_PREFIX, make PREFIX=… install; not /usr, /usr/local or /opt), the folder built wheels are written ' +
    'to (uv build --out-dir, pip wheel -w, python -m build --outdir, maturin build --out, auditwheel repair -w), a ' +
    'binary written with -o (go build, gcc/clang/nvcc), a `cargo install`/`go install` package, a git repository ' +
    'cloned by a RUN that builds, or a pinned download used by a RUN that builds. Temporary paths (/tmp) do not ' +
    'count. Two fragments with the same artifact are reported at each fragment after the first in build order; ' +
    'variants of one fragment share a Dockerfile and do not count; COPY --from of another image is reuse, not a build.',
  check(context) {
    const findings: Finding[] = [];
    const firstBuilt = new Map<string, { lint: FragmentLint; artifact: Artifact }>();
    for (const lint of context.fragments) {
      const seenHere = new Set<string>();
      for (const artifact of artifactsOf(lint)) {
        const first = firstBuilt.get(artifact.key);
        if (!first) {
          firstBuilt.set(artifact.key, { lint, artifact });
          continue;
        }
        if (first.lint === lint || seenHere.has(artifact.key)) continue;
        seenHere.add(artifact.key);
        findings.push({
          rule: ID,
          file: lint.dockerfile.file,
          line: artifact.instruction.line,
          message: `builds ${artifact.what}, which fragment "${first.lint.fragment.name}" already builds (${first.lint.dockerfile.file}:${first.artifact.instruction.line})`,
          hint: `build it once: take it from the ${first.lint.fragment.name} image (uses: in ${lint.fragment.configFile}, then COPY --from or RUN --mount=type=bind,from=…)`,
        });
      }
    }
    return findings;
  },
};
