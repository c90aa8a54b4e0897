import type { BuildkitStatusResponse } from '../engine/buildkit-status';

/** What BuildKit did for one build: each Dockerfile step either came from its cache or ran. */
export interface BuildSteps {
  /** Steps that completed (BuildKit's own `[internal]` loads are left out: they run every time). */
  total: number;
  cached: number;
  run: number;
  steps: { name: string; cached: boolean }[];
}

/**
 * Tallies the vertexes of one build's decoded status stream. A vertex is sent several times (started, completed);
 * its last `cached` flag and name win. Only completed vertexes count, in the order they completed.
 */
export class StepTally {
  private readonly vertexes = new Map<string, { name: string; cached: boolean; completed?: number }>();

  feed(status: BuildkitStatusResponse): void {
    for (const v of status.vertexes) {
      const before = this.vertexes.get(v.digest);
      this.vertexes.set(v.digest, {
        name: v.name || before?.name || v.digest,
        cached: v.cached || (before?.cached ?? false),
        completed: v.completed ?? before?.completed,
      });
    }
  }

  result(): BuildSteps {
    const steps = [...this.vertexes.values()]
      .filter((v) => v.completed !== undefined && !v.name.startsWith('[internal]'))
      .sort((a, b) => a.completed! - b.completed!)
      .map(({ name, cached }) => ({ name, cached }));
    const cached = steps.filter((s) => s.cached).length;
    return { total: steps.length, cached, run: steps.length - cached, steps };
  }
}
