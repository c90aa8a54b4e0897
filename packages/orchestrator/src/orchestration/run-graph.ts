import type { PlannedBuild } from '../plan/make-plan';

/** What the scheduler needs from an engine: the only seam between orchestration and Docker. */
export interface NodeBuilder {
  /** Whether the image already exists where it is wanted (nothing to do), or undefined when it must be built. */
  check(build: PlannedBuild): Promise<'up to date' | 'in registry' | undefined>;
  /**
   * Builds the image (or only pushes one the engine already has: 'pushed'); rejects on failure. Must stop promptly
   * (and reject) when `signal` aborts.
   */
  build(build: PlannedBuild, signal: AbortSignal): Promise<void | 'pushed'>;
}

export type Outcome = 'built' | 'pushed' | 'up to date' | 'in registry' | 'skipped' | 'failed' | 'canceled';

/** Outcomes after which dependents may build. */
export const SUCCEEDED: readonly Outcome[] = ['built', 'pushed', 'up to date', 'in registry'];

export interface NodeResult {
  build: PlannedBuild;
  outcome: Outcome;
  durationMs: number;
  /** Wall-clock start and end (epoch ms) of the node's check and build; absent for nodes that never ran. */
  startedAt?: number;
  finishedAt?: number;
  error?: unknown;
  /** For skipped nodes: the failed upstream that caused it. */
  because?: string;
}

export interface RunOptions {
  /** How many builds may run at once (independent branches only). */
  parallel: number;
  /** Cancels every in-flight build and starts no new one. */
  signal?: AbortSignal;
  onStart?(build: PlannedBuild): void;
  onResult?(result: NodeResult): void;
}

/**
 * Runs the plan in dependency order with at most `parallel` builds at once. A failure skips its dependents while
 * independent branches finish (keep-going); cancellation aborts in-flight builds and marks the rest canceled.
 * Results come back in plan order.
 */
export async function runGraph(builds: readonly PlannedBuild[], builder: NodeBuilder, options: RunOptions): Promise<NodeResult[]> {
  const results = new Map<string, NodeResult>();
  const waiting = new Set(builds.map((b) => b.key));
  const running = new Map<string, Promise<void>>();
  const inFlight = new AbortController();
  const onAbort = () => inFlight.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Every node's check (is its hash tag already there?) is asked at once, up front: they are independent reads, and
  // a no-op run is then one round of concurrent questions instead of one per graph level. A node still acts on its
  // answer only when its turn comes; a failed check fails that node then, as if asked at that moment.
  const checks = new Map(builds.map((b) => [b.key, markHandled(builder.check(b))]));

  const finish = (result: NodeResult) => {
    results.set(result.build.key, result);
    options.onResult?.(result);
  };

  const readyOrBlocked = () => {
    for (const build of builds) {
      if (!waiting.has(build.key)) continue;
      const failedUp = build.upstream.find((up) => {
        const r = results.get(up);
        return r && !SUCCEEDED.includes(r.outcome);
      });
      if (failedUp) {
        waiting.delete(build.key);
        const root = results.get(failedUp)!;
        finish({ build, outcome: options.signal?.aborted ? 'canceled' : 'skipped', durationMs: 0, because: root.because ?? failedUp });
        continue;
      }
      if (options.signal?.aborted) {
        waiting.delete(build.key);
        finish({ build, outcome: 'canceled', durationMs: 0 });
        continue;
      }
      if (running.size >= options.parallel) continue;
      if (build.upstream.every((up) => results.has(up))) {
        waiting.delete(build.key);
        running.set(build.key, runOne(build));
      }
    }
  };

  const runOne = async (build: PlannedBuild) => {
    const started = Date.now();
    try {
      const existing = await checks.get(build.key)!;
      if (existing) {
        finish({ build, outcome: existing, durationMs: Date.now() - started, startedAt: started, finishedAt: Date.now() });
      } else {
        options.onStart?.(build);
        const done = await builder.build(build, inFlight.signal);
        finish({ build, outcome: done ?? 'built', durationMs: Date.now() - started, startedAt: started, finishedAt: Date.now() });
      }
    } catch (error) {
      finish({ build, outcome: inFlight.signal.aborted ? 'canceled' : 'failed', durationMs: Date.now() - started, startedAt: started, finishedAt: Date.now(), error });
    } finally {
      running.delete(build.key);
    }
  };

  try {
    readyOrBlocked();
    while (running.size > 0) {
      await Promise.race(running.values());
      readyOrBlocked();
    }
    // Anything still waiting had an upstream that never ran (cannot happen with a valid plan, but never hang).
    readyOrBlocked();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return builds.map((b) => results.get(b.key) ?? { build: b, outcome: 'skipped', durationMs: 0 });
}

/**
 * The promise itself, with a no-op handler attached: a rejection nobody awaits yet is then not an unhandled
 * rejection (which would end the process), while awaiting it later still throws.
 */
function markHandled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
