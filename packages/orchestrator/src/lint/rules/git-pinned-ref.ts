import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { flagValue } from '../model/dockerfile-model';
import { walkInstructions } from '../instruction-walker';
import { commandArgs, commandName, type ShellCommand } from '../model/shell-commands';

const ID = 'git-pinned-ref';
const HINT = 'clone a pinned ref: git clone --depth 1 --branch "${X_REF}" <url>, with X_REF bound under pins: in fragment.yaml';

/** Names that are moving branches, not versions. */
const FLOATING = new Set(['main', 'master', 'develop', 'development', 'dev', 'trunk', 'head', 'latest', 'nightly', 'stable', 'next']);

export const gitPinnedRef: LintRule = {
  id: ID,
  description:
    'Every git source is a pinned ref. A `git clone` passes --branch/-b/--revision with a ref, or the same RUN runs ' +
    '`git checkout`/`git switch`/`git reset --hard` of one; an ADD of a git URL has #<ref>. A ref is pinned when it is ' +
    'a variable (an ARG bound in fragment.yaml) or a literal that is not a moving branch name (main, master, HEAD, …). ' +
    'Cloning a default branch builds whatever was pushed last.',
  check(context) {
    const findings: Finding[] = [];
    for (const { lint, instruction } of walkInstructions(context.fragments)) {
      const at = (message: string, hint = HINT) => findings.push({ rule: ID, file: lint.dockerfile.file, line: instruction.line, message, hint });
      if (instruction.keyword === 'RUN') {
        const clones = instruction.commands.filter((c) => gitSubcommand(c)?.name === 'clone');
        const checkedOut = instruction.commands.some((c) => {
          const sub = gitSubcommand(c);
          return sub !== undefined && ['checkout', 'switch', 'reset'].includes(sub.name) && sub.args.some((a) => !a.startsWith('-') && isPinned(a));
        });
        for (const clone of clones) {
          const ref = cloneRef(gitSubcommand(clone)!.args);
          if (ref !== undefined && isPinned(ref)) continue;
          if (checkedOut) continue;
          const url = gitSubcommand(clone)!.args.find((a) => /:\/\/|^git@/.test(a)) ?? 'a repository';
          at(ref === undefined ? `git clone of ${url} without a pinned ref` : `git clone of ${url} at the moving branch "${ref}"`);
        }
      }
      if (instruction.keyword === 'ADD' && flagValue(instruction, 'checksum') === undefined) {
        for (const source of instruction.args.slice(0, -1)) {
          if (!isGitSource(source)) continue;
          const ref = /#([^:]+)/.exec(source)?.[1];
          if (ref === undefined || !isPinned(ref)) at(`ADD ${source} without a pinned #<ref>`, 'name a tag or commit: ADD <url>.git#<ref> <dest> (or pass it as a pinned ARG: #${X_REF})');
        }
      }
    }
    return findings;
  },
};

/** `git -C dir clone …` -> { name: 'clone', args }. */
function gitSubcommand(command: ShellCommand): { name: string; args: string[] } | undefined {
  if (commandName(command) !== 'git') return undefined;
  const args = commandArgs(command);
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) i += ['-C', '-c', '--git-dir', '--work-tree', '--namespace'].includes(args[i]) ? 2 : 1;
  return i < args.length ? { name: args[i], args: args.slice(i + 1) } : undefined;
}

function cloneRef(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (['--branch', '-b', '--revision'].includes(args[i])) return args[i + 1];
    const m = /^(--branch|--revision)=(.*)$/.exec(args[i]);
    if (m) return m[2];
  }
  return undefined;
}

function isPinned(ref: string): boolean {
  return ref.includes('$') || (ref !== '' && !FLOATING.has(ref.toLowerCase()) && !/^origin\//.test(ref));
}

/** `ADD https://github.com/o/r.git#v1 /src`, `ADD git@github.com:o/r.git /src`. */
export function isGitSource(source: string): boolean {
  return /^git@/.test(source) || /^git:\/\//.test(source) || /\.git(#|$)/.test(source);
}
