import type { Command } from 'commander';
import { describeChanges } from '../../orchestration/describe-changes';
import type { NodeStatus } from '../../orchestration/engine-status';
import type { PlatformEngine } from '../../engine/platform-engines';
import { EnvironmentError, isEnvironmentError } from '../../errors/fragments-error';
import type { Plan, PlannedBuild } from '../../plan/make-plan';
import type { RegistryTarget } from '../../registry/registry-target';
import type { PlanNodeStatusJson } from '../../schema/plan-schema';
import { formatTable } from '../../text/format-table';
import { collectList, envPlatforms, graphFromOptions } from '../global-options';

interface PlanOptions {
  platform?: string[];
  json?: boolean;
  engine: boolean;
  registry?: string;
}

export function registerPlanCommand(program: Command) {
  program
    .command('plan')
    .description("show the build order of the given fragments (and what they use), each node's content hash and tag, and whether the engine has it")
    .argument('[fragments...]', 'fragment names or node ids (default: every fragment)')
    .option('--platform <list>', "platforms to plan for, comma-separated (default: $FRAGMENTS_PLATFORM, else this machine's)", collectList)
    .option('--json', 'stable machine-readable output (schema fragments-plan/v1, see docs/plan-json.md)')
    .option('--no-engine', 'do not ask the Docker engine which images it already has')
    .option('--registry <host[:port][/prefix]>', 'also say which nodes the registry already holds (env FRAGMENTS_REGISTRY)', process.env.FRAGMENTS_REGISTRY)
    .action(async (targets: string[], opts: PlanOptions, command: Command) => {
      const { makePlan, planToJson } = await import('../../plan/make-plan');
      const graph = await graphFromOptions(command);
      const plan = await makePlan(graph, { targets, platforms: opts.platform ?? envPlatforms() });
      const found = opts.engine ? await statuses(plan, opts.registry) : undefined;
      if (opts.json) {
        const json = planToJson(plan);
        if (found) json.nodes.forEach((n, i) => (n.status = statusJson(found.get(plan.builds[i].key)!)));
        process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      } else {
        process.stdout.write(formatPlan(plan, found));
      }
    });
}

/**
 * Status of each build: in the registry (with --registry), else up to date / will build on its platform's engine.
 * Undefined (with a note) when no engine answers: planning never needs one. Also says, per platform, which engine
 * would build it and whether natively or under emulation.
 */
async function statuses(plan: Plan, registrySpec?: string): Promise<Map<string, NodeStatus> | undefined> {
  // The engine client is required only when the plan asks the engine (not for --no-engine).
  const [{ engineStatus }, { describePlatformEngine, platformEngines }, { registryTarget }] = await Promise.all([
    import('../../orchestration/engine-status'),
    import('../../engine/platform-engines'),
    import('../../registry/registry-target'),
  ]);
  let engines: Map<string, PlatformEngine>;
  try {
    engines = await platformEngines(plan.platforms);
  } catch (e) {
    if (!isEnvironmentError(e)) throw e;
    process.stderr.write('note: no Docker engine answers, so the plan cannot say what is up to date (--no-engine silences this)\n');
    return undefined;
  }
  for (const pe of engines.values()) {
    process.stderr.write(`${describePlatformEngine(pe)}\n`);
  }
  const registry = registrySpec ? await registryTarget(registrySpec) : undefined;
  const entries = await Promise.all(
    plan.builds.map(async (b) => {
      if (registry && (await inRegistry(registry, b))) return [b.key, { state: 'in registry' } as NodeStatus] as const;
      return [b.key, await engineStatus(engines.get(b.platform)!.engine, b)] as const;
    }),
  );
  return new Map(entries);
}

/** Whether the registry holds the build's hash tag; a registry failure names the node it was asked about. */
async function inRegistry(registry: RegistryTarget, b: PlannedBuild): Promise<boolean> {
  const { hashTag, registryRepository } = await import('../../registry/registry-target');
  try {
    return (await registry.client.manifestDigest(registryRepository(registry, b), hashTag(b))) !== undefined;
  } catch (e) {
    if (isEnvironmentError(e)) throw new EnvironmentError(`${b.key}: ${e.message}`, { where: e.where, hint: e.hint, cause: e });
    throw e;
  }
}

function statusJson(status: NodeStatus): PlanNodeStatusJson {
  return status.state === 'will build' ? { state: status.state, previous: status.previous ?? null } : { state: status.state };
}

export function formatPlan(plan: Plan, statuses?: Map<string, NodeStatus>): string {
  const header = ['#', 'NODE', 'PLATFORM', 'TAG', 'USES', ...(statuses ? ['STATUS'] : [])];
  const rows = plan.builds.map((b, i) => {
    const status = statuses?.get(b.key);
    const statusText = !status ? [] : status.state !== 'will build' ? [status.state] : [status.previous ? `will build (vs ${status.previous.tag}: ${describeChanges(status.previous.changes)})` : 'will build'];
    return [String(i + 1), b.key, b.platform, b.tag, b.upstream.join(' ') || '-', ...statusText];
  });
  const unlocked = [...new Set(plan.builds.flatMap((b) => b.unlocked))].sort();
  const note = unlocked.length > 0 ? `\nnot locked (no digest/checksum in pins.lock.yaml): ${unlocked.join(', ')}\n` : '';
  return formatTable(header, rows) + note;
}
