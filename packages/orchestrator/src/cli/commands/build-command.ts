import type { Command } from 'commander';
import { describeError, errorKind, EXIT_CODES, isFragmentsError, worstKind } from '../../errors/fragments-error';
import { UserError } from '../../errors/user-error';
import { collectList, envPlatforms, graphFromOptions } from '../global-options';

interface BuildOptions {
  platform?: string[];
  parallel: string;
  network?: string;
  tag?: string[];
  label?: string[];
  progress: 'auto' | 'plain' | 'tty';
  push?: boolean;
  registry?: string;
  cacheFrom?: string[];
  cache: boolean;
  secret?: string[];
  report?: string;
}

export function registerBuildCommand(program: Command) {
  program
    .command('build')
    .description('build the given fragments and everything they use, in graph order; nodes whose hash tag exists are skipped')
    .argument('[fragments...]', 'fragment names or node ids (default: every fragment)')
    .option('--platform <list>', "platforms, comma-separated (default: $FRAGMENTS_PLATFORM, else this machine's)", collectList)
    .option('--parallel <n>', 'independent nodes built at once', '2')
    .option('--network <mode>', 'network for RUN steps: default, host or none (env FRAGMENTS_NETWORK; unset: default, or none on an engine without a bridge network)', process.env.FRAGMENTS_NETWORK || undefined)
    .option('--tag <name>', 'human tag moved onto every built image after the whole graph succeeded (repeatable)', collectList)
    .option('--label <key=value>', 'extra image label (repeatable)', collectList)
    .option('--progress <mode>', 'auto (live view on a terminal), plain or tty', 'auto')
    .option('--push', 'push every node by hash tag to --registry; nodes the registry holds are not built (nor pulled)')
    .option('--registry <host[:port][/prefix]>', 'registry for --push and its cache (env FRAGMENTS_REGISTRY)', process.env.FRAGMENTS_REGISTRY)
    .option('--no-cache', 'rebuild every planned node and run every step again (BuildKit then starts cache mounts such as sccache empty too)')
    .option('--cache-from <tag>', 'registry tags of earlier images used as build cache (repeatable; default: the --tag values)', collectList)
    .option('--secret <id=ID[,env=VAR|,src=FILE]>', "build secret for RUN --mount=type=secret, buildx's syntax (repeatable; also $FRAGMENTS_SECRETS, ';'-separated); never hashed, labelled or logged", (v: string, prev: string[] = []) => [...prev, v])
    .option('--report <dir>', 'write DIR/build-report.json and DIR/build-report.md (table, critical path, Mermaid timeline); appended to $GITHUB_STEP_SUMMARY when set')
    .action(async (targets: string[], opts: BuildOptions, command: Command) => {
      // Connecting comes first (GET /version per engine: tens of ms on dockerd), so that it overlaps loading the
      // build machinery, reading the workspace and hashing. Its failure is reported only after the plan and the
      // secrets are checked, as if it had been asked then: bad input is named before a broken engine.
      const [{ describeConnections, describePlatformEngine, platformConnections }, { planPlatforms }] = await Promise.all([import('../../engine/platform-engines'), import('../../plan/host-platform')]);
      const platforms = planPlatforms(opts.platform ?? envPlatforms());
      const enginesAnswer = platformConnections(platforms);
      enginesAnswer.catch(() => undefined);
      // Required here, not at start-up: the build machinery is for this command only.
      const [{ makePlan }, { buildPlan }, { formatSummary }, { formatSccacheStats }, { createProgressSink, progressMode }, { registryTarget }, { checkRequiredSecrets }, { parseSecretSpec, readSecrets, secretSpecsFromEnv }] =
        await Promise.all([
          import('../../plan/make-plan'),
          import('../../orchestration/build-plan'),
          import('../../orchestration/build-summary'),
          import('../../orchestration/sccache-stats'),
          import('../../progress/create-sink'),
          import('../../registry/registry-target'),
          import('../../orchestration/build-secrets'),
          import('../../orchestration/secret-spec'),
        ]);
      // The report's modules only when a report is asked for.
      const reporting = opts.report
        ? await Promise.all([import('../../report/build-report'), import('../../report/report-facts'), import('../../report/write-report')])
        : undefined;
      const graph = await graphFromOptions(command);
      const plan = await makePlan(graph, { targets, platforms });
      if (opts.push && !opts.registry) {
        throw new UserError('--push needs a registry', { field: '--registry' }, 'pass --registry HOST[:PORT][/prefix] or set FRAGMENTS_REGISTRY');
      }
      const registry = opts.push ? await registryTarget(opts.registry!) : undefined;
      // Secrets are read and checked before any build starts: a missing one must not leave half a graph built.
      const secrets = readSecrets([...secretSpecsFromEnv(), ...(opts.secret ?? [])].map((s) => parseSecretSpec(s)));
      checkRequiredSecrets(plan, new Set(secrets.keys()));
      const engines = await enginesAnswer;
      // Which engine builds what (and whether natively) is asked and said only before the first real build: a run
      // where everything is up to date neither asks dockerd for GET /info (about 45 ms) nor prints it.
      const announceEngines = async () => {
        for (const pe of (await describeConnections(engines)).values()) process.stderr.write(`${describePlatformEngine(pe)}\n`);
      };
      const controller = new AbortController();
      const cancel = (signal: string) => {
        process.stderr.write(`\n${signal}: canceling builds on the engine…\n`);
        controller.abort(new Error(signal));
      };
      process.once('SIGINT', cancel);
      process.once('SIGTERM', cancel);
      try {
        const mode = progressMode(process.stderr, opts.progress === 'auto' ? undefined : opts.progress);
        const progress = createProgressSink(process.stderr, { mode });
        // The live view redraws the lines it counted: a note written into it would be overdrawn, so it waits for the end.
        const deferredNotes: string[] = [];
        const onNote = (text: string) => (mode === 'tty' ? deferredNotes.push(text) : process.stderr.write(`note: ${text}\n`));
        const engineFor = (platform: string) => engines.get(platform)!.engine;
        // Why each node will build must be read before the run: afterwards the engine holds the new image.
        const reasons = reporting && !registry ? await reporting[1].rebuildReasons(engineFor, plan, !opts.cache) : undefined;
        const started = Date.now();
        const result = await buildPlan(engineFor, plan, {
          parallel: Math.max(1, Number(opts.parallel) || 1),
          networkMode: opts.network,
          extraLabels: Object.fromEntries((opts.label ?? []).map((kv) => [kv.split('=')[0], kv.split('=').slice(1).join('=')])),
          tags: opts.tag,
          registry,
          cacheTags: opts.cacheFrom,
          noCache: !opts.cache,
          secrets,
          sccache: plan.graph.pins.sccache,
          signal: controller.signal,
          beforeFirstBuild: announceEngines,
          progress,
          onNote,
        });
        const ended = Date.now();
        for (const text of deferredNotes) process.stderr.write(`note: ${text}\n`);
        const failures = result.results.filter((r) => r.outcome === 'failed').map((r) => r.error);
        for (const r of result.results) {
          if (r.outcome === 'failed') process.stderr.write(`\n${r.build.key} failed:\n${isFragmentsError(r.error) && r.error.kind !== 'internal' ? r.error.format() : describeError(r.error)}\n`);
        }
        if (result.error !== undefined) {
          failures.push(result.error);
          process.stderr.write(`\nafter every node built:\n${describeError(result.error)}\n`);
        }
        process.stdout.write('\n' + formatSummary(result.results));
        for (const [key, stats] of result.sccache) process.stdout.write(`sccache for ${key}: ${formatSccacheStats(stats)}\n`);
        for (const [key, sources] of result.cacheSources) {
          process.stdout.write(`cache for ${key}: ${sources.length > 0 ? sources.join(', ') : 'none in the registry yet'}\n`);
        }
        if (result.indexes.length > 0) process.stdout.write(`image indexes: ${result.indexes.join(' ')}\n`);
        if (result.tagged.length > 0) process.stdout.write(`tagged: ${result.tagged.join(' ')}\n`);
        else if (!result.ok && (opts.tag ?? []).length > 0) process.stdout.write('no tag moved: the graph did not fully succeed\n');
        if (opts.report && reporting) {
          const [{ makeBuildReport }, { imageFacts }, { writeBuildReport }] = reporting;
          const report = makeBuildReport({
            plan,
            results: result.results,
            ok: result.ok,
            start: started,
            end: ended,
            reasons,
            steps: result.steps,
            sccache: result.sccache,
            images: await imageFacts(engineFor, plan),
          });
          process.stdout.write(`report: ${writeBuildReport(opts.report, report).join(' ')}\n`);
        }
        // The exit code says what went wrong (README, "Exit codes"): the worst kind among the failures.
        const worst = worstKind(failures.map(errorKind));
        process.exitCode = controller.signal.aborted ? EXIT_CODES.canceled : result.ok ? EXIT_CODES.ok : EXIT_CODES[worst ?? 'user'];
      } finally {
        process.off('SIGINT', cancel);
        process.off('SIGTERM', cancel);
      }
    });
}
