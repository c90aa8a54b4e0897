import type { Command } from 'commander';
import { describeChanges, engineStatus, type NodeStatus } from '../../build/engine-status';
import { connectEngine, type EngineConnection } from '../../engine/connect-engine';
import { isUserError } from '../../errors/user-error';
import { makePlan, planToJson, type Plan } from '../../plan/make-plan';
import { formatTable } from '../format-table';
import { collectList, envPlatforms, graphFromOptions } from '../global-options';

interface PlanOptions {
  platform?: string[];
  json?: boolean;
  engine: boolean;
}

export function registerPlanCommand(program: Command) {
  program
    .command('plan')
    .description("show the build order of the given fragments (and what they use), each node's content hash and tag, and whether the engine has it")
    .argument('[fragments...]', 'fragment names or node ids (default: every fragment)')
    .option('--platform <list>', "platforms to plan for, comma-separated (default: $FRAGMENTS_PLATFORM, else this machine's)", collectList)
    .option('--json', 'stable machine-readable output (schema fragments-plan/v1, see docs/plan-json.md)')
    .option('--no-engine', 'do not ask the Docker engine which images it already has')
    .action(async (targets: string[], opts: PlanOptions, command: Command) => {
      const graph = graphFromOptions(command);
      const plan = await makePlan(graph, { targets, platforms: opts.platform ?? envPlatforms() });
      const statuses = opts.engine ? await statusesIfEngine(plan) : undefined;
      if (opts.json) {
        const json = planToJson(plan);
        if (statuses) json.nodes.forEach((n, i) => (n.status = statusJson(statuses.get(plan.builds[i].key)!)));
        process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      } else {
        process.stdout.write(formatPlan(plan, statuses));
      }
    });
}

/** Engine status of each build, or undefined (with a note) when no engine answers: planning never needs one. */
async function statusesIfEngine(plan: Plan): Promise<Map<string, NodeStatus> | undefined> {
  let engine: EngineConnection;
  try {
    engine = await connectEngine();
  } catch (e) {
    if (!isUserError(e)) throw e;
    process.stderr.write('note: no Docker engine answers, so the plan cannot say what is up to date (--no-engine silences this)\n');
    return undefined;
  }
  const entries = await Promise.all(plan.builds.map(async (b) => [b.key, await engineStatus(engine, b)] as const));
  return new Map(entries);
}

function statusJson(status: NodeStatus) {
  return status.state === 'up to date' ? { state: status.state } : { state: status.state, previous: status.previous ?? null };
}

export function formatPlan(plan: Plan, statuses?: Map<string, NodeStatus>): string {
  const header = ['#', 'NODE', 'PLATFORM', 'TAG', 'USES', ...(statuses ? ['STATUS'] : [])];
  const rows = plan.builds.map((b, i) => {
    const status = statuses?.get(b.key);
    const statusText = !status ? [] : status.state === 'up to date' ? ['up to date'] : [status.previous ? `will build (vs ${status.previous.tag}: ${describeChanges(status.previous.changes)})` : 'will build'];
    return [String(i + 1), b.key, b.platform, b.tag, b.upstream.join(' ') || '-', ...statusText];
  });
  const unlocked = [...new Set(plan.builds.flatMap((b) => b.unlocked))].sort();
  const note = unlocked.length > 0 ? `\nnot locked (no digest/checksum in pins.lock.yaml): ${unlocked.join(', ')}\n` : '';
  return formatTable(header, rows) + note;
}
