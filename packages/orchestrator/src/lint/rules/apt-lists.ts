import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { commandArgs, commandName } from '../model/shell-commands';
import { walkInstructions } from '../instruction-walker';

const ID = 'apt-lists';

export const aptLists: LintRule = {
  id: ID,
  description:
    'A RUN that runs `apt-get update` (or `apt update`) also removes /var/lib/apt/lists (rm -rf /var/lib/apt/lists/*) ' +
    'in the same RUN, unless that folder is a cache or tmpfs mount of the RUN. Otherwise the package lists stay in ' +
    'the layer: tens of MB in every image, and stale lists for every later install.',
  check(context) {
    const findings: Finding[] = [];
    for (const { lint, instruction } of walkInstructions(context.fragments, { keywords: ['RUN'] })) {
      const updates = instruction.commands.some((c) => ['apt-get', 'apt', 'aptitude'].includes(commandName(c)) && commandArgs(c).includes('update'));
      if (!updates) continue;
      const removed = instruction.commands.some((c) => commandName(c) === 'rm' && commandArgs(c).some((a) => /^\/var\/lib\/apt\/lists(\/|$)/.test(a)));
      const mounted = instruction.mounts.some((m) => ['cache', 'tmpfs'].includes(m.type ?? '') && /^\/var\/lib\/apt(\/lists)?\/?$/.test(m.target ?? ''));
      if (removed || mounted) continue;
      findings.push({
        rule: ID,
        file: lint.dockerfile.file,
        line: instruction.line,
        message: 'apt-get update without removing /var/lib/apt/lists in the same RUN',
        hint: 'end the RUN with `rm -rf /var/lib/apt/lists/*` (or mount a cache at /var/lib/apt/lists)',
      });
    }
    return findings;
  },
};
