import type { Command } from 'commander';
import { makePlan, planToJson, type Plan } from '../../plan/make-plan';
import { formatTable } from '../format-table';
import { collectList, graphFromOptions } from '../global-options';

export function registerPlanCommand(program: Command) {
  program
    .command('plan')
    .description('show the build order of the given fragments (and what they use), with each node\'s content hash and tag')
    .argument('[fragments...]', 'fragment names or node ids (default: every fragment)')
    .option('--platform <list>', 'platforms to plan for, comma-separated (default: this machine\'s)', collectList)
    .option('--json', 'stable machine-readable output (schema fragments-plan/v1, see docs/plan-json.md)')
    .action(async (targets: string[], opts: { platform?: string[]; json?: boolean }, command: Command) => {
      const graph = graphFromOptions(command);
      const plan = await makePlan(graph, { targets, platforms: opts.platform });
      process.stdout.write(opts.json ? JSON.stringify(planToJson(plan), null, 2) + '\n' : formatPlan(plan));
    });
}

export function formatPlan(plan: Plan): string {
  const rows = plan.builds.map((b, i) => [String(i + 1), b.key, b.platform, b.hash.slice(0, 16), b.tag, b.upstream.join(' ') || '-']);
  const unlocked = [...new Set(plan.builds.flatMap((b) => b.unlocked))].sort();
  const note = unlocked.length > 0 ? `\nnot locked (no digest/checksum in pins.lock.yaml): ${unlocked.join(', ')}\n` : '';
  return formatTable(['#', 'NODE', 'PLATFORM', 'HASH', 'TAG', 'USES'], rows) + note;
}
