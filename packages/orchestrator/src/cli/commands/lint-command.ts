import type { Command } from 'commander';
import { UserError } from '../../errors/user-error';
import type { FragmentGraph } from '../../graph/fragment-graph';
import { SILENCE_SYNTAX } from '../../lint/silences';
import { graphFromOptions } from '../global-options';

interface LintCommandOptions {
  json?: boolean;
  rules?: boolean;
}

export function registerLintCommand(program: Command) {
  program
    .command('lint')
    .description(`check Dockerfiles, fragment.yaml and pins for the rules of this repository; exit 1 on findings (silence one line with "${SILENCE_SYNTAX}")`)
    .argument('[fragments...]', 'fragment names or node ids whose files to report (default: every fragment, pins.yaml and profiles)')
    .option('--json', 'machine-readable output: { findings: [{ rule, file, line, message, hint }], summary }')
    .option('--rules', 'list the rules and what exactly each checks')
    .action(async (targets: string[], opts: LintCommandOptions, command: Command) => {
      const [{ formatFindings }, { lintWorkspace }, { LINT_RULES }] = await Promise.all([
        import('../../lint/format-findings'),
        import('../../lint/lint-workspace'),
        import('../../lint/rule-registry'),
      ]);
      if (opts.rules) {
        process.stdout.write(LINT_RULES.map((r) => `${r.id}\n  ${r.description}\n`).join('\n'));
        return;
      }
      const graph = await graphFromOptions(command);
      const fragments = targets.length > 0 ? fragmentNames(graph, targets) : undefined;
      const findings = lintWorkspace(graph, { fragments });
      const linted = fragments?.length ?? graph.fragments.length;
      if (opts.json) process.stdout.write(JSON.stringify({ findings, summary: { findings: findings.length, fragments: linted } }, null, 2) + '\n');
      else process.stdout.write(formatFindings(findings, linted));
      process.exitCode = findings.length > 0 ? 1 : 0;
    });
}

/** Fragment names for the arguments: a fragment name, or a node id (`runtime.vllm` lints fragment `runtime`). */
function fragmentNames(graph: FragmentGraph, targets: string[]): string[] {
  return [
    ...new Set(
      targets.map((t) => {
        const fragment = graph.fragments.find((f) => f.name === t) ?? graph.nodes.get(t)?.fragment;
        if (!fragment) throw new UserError(`no fragment or node "${t}"`, { field: 'fragments' }, `fragments: ${graph.fragments.map((f) => f.name).join(', ')}`);
        return fragment.name;
      }),
    ),
  ];
}
