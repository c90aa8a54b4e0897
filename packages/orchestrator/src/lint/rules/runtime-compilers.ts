import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { toolsCopiedBy, toolsInstalledBy } from '../analysis/compilers';
import { packageInstall } from '../analysis/package-installs';
import { shippedStages } from '../analysis/stages';
import { commandName } from '../model/shell-commands';
import { walkInstructions } from '../instruction-walker';

const ID = 'runtime-compilers';

export const runtimeCompilers: LintRule = {
  id: ID,
  description:
    'A fragment that declares `jit:` in fragment.yaml (a runtime image) carries no compiler or build tool outside that ' +
    'list. Checked in the stages that end up in its image (the target, the stages it is FROM, stages copied in with ' +
    'COPY --from=<stage> / /): package installs (apt-get/apt, dnf/yum/microdnf, apk, pip/uv pip, conda) of compiler ' +
    'packages (build-essential, gcc, g++, clang, gfortran, make, cmake, ninja-build, meson, rustc, cargo, golang, ' +
    'cuda-nvcc, gcc-toolset-*, …; from PyPI only cmake, ninja, meson, ziglang), rustup, and COPY/ADD of compiler ' +
    'binaries (nvcc, ptxas, cicc, gcc, …) or toolchain folders (/usr/local/cuda/bin, /usr/local/cargo, /usr/local/go, ' +
    '…). The runtime stays small and ships only what it compiles with at run time (the proposal\'s runtime stage).',
  check(context) {
    const findings: Finding[] = [];
    for (const lint of context.fragments) {
      const jit = lint.fragment.config.jit;
      if (jit === undefined) continue;
      const allowed = new Set(jit);
      const shipped = new Set(lint.nodes.flatMap((n) => [...shippedStages(context, lint, n)]));
      const hint = `build with it in a builder fragment or stage and COPY only the result; if this image really compiles with it at run time, add it to jit: in ${lint.fragment.configFile}`;
      for (const { instruction } of walkInstructions(lint, { stages: (s) => shipped.has(s.index), keywords: ['RUN', 'COPY', 'ADD'] })) {
        const at = (tools: string[], how: string) => {
          const extra = [...new Set(tools)].filter((t) => !allowed.has(t));
          if (extra.length === 0) return;
          findings.push({ rule: ID, file: lint.dockerfile.file, line: instruction.line, message: `${how}, bringing ${extra.join(', ')}: not in the jit: list of ${lint.fragment.configFile}`, hint });
        };
        if (instruction.keyword === 'RUN') {
          for (const command of instruction.commands) {
            const install = packageInstall(command);
            if (install) {
              const byPackage = toolsInstalledBy(install);
              const packages = [...byPackage.keys()].filter((p) => byPackage.get(p)!.some((t) => !allowed.has(t)));
              at([...byPackage.values()].flat(), `installs ${packages.join(' ')}`);
            }
            if (commandName(command).startsWith('rustup')) at(['rustc', 'cargo'], 'runs rustup');
          }
        }
        if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
          for (const source of instruction.args.slice(0, -1)) at(toolsCopiedBy(source), `copies ${source}`);
        }
      }
    }
    return findings;
  },
};
