import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { packageInstall } from '../analysis/package-installs';
import { walkInstructions } from '../instruction-walker';

const ID = 'apt-no-recommends';

export const aptNoRecommends: LintRule = {
  id: ID,
  description:
    'Every `apt-get install` / `apt install` passes --no-install-recommends (or -o APT::Install-Recommends=false). ' +
    'Recommended packages are not needed to run anything and add hundreds of MB to CUDA images.',
  check(context) {
    const findings: Finding[] = [];
    for (const { lint, instruction } of walkInstructions(context.fragments, { keywords: ['RUN'] })) {
      for (const command of instruction.commands) {
        const install = packageInstall(command);
        if (install?.manager !== 'apt') continue;
        const off = install.options.some((o) => o === '--no-install-recommends' || /^APT::Install-Recommends=(false|0|no)$/i.test(o));
        if (off) continue;
        findings.push({
          rule: ID,
          file: lint.dockerfile.file,
          line: instruction.line,
          message: `${command.words[0]} install without --no-install-recommends (${install.packages.slice(0, 4).join(' ')}${install.packages.length > 4 ? ' …' : ''})`,
          hint: 'add --no-install-recommends; install what is really needed by name',
        });
      }
    }
    return findings;
  },
};
