// What the report needs from the engine besides the run itself: why each node is about to be built (read before
// the run, while the engine still holds only the older images) and each image's size and layer count (after).

import type { EngineConnection } from '../engine/connect-engine';
import { describeChanges } from '../orchestration/describe-changes';
import { engineStatus } from '../orchestration/engine-status';
import type { Plan } from '../plan/make-plan';
import type { ImageFacts } from './build-report';

/** Per build key: `up to date`, `new: no earlier image`, or what changed since the engine's last image of it. */
export async function rebuildReasons(engineFor: (platform: string) => EngineConnection, plan: Plan, noCache: boolean): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  for (const build of plan.builds) {
    if (noCache) {
      reasons.set(build.key, '--no-cache');
      continue;
    }
    const status = await engineStatus(engineFor(build.platform), build);
    if (status.state !== 'will build') reasons.set(build.key, status.state);
    else if (!status.previous) reasons.set(build.key, 'new: no earlier image of this node');
    else reasons.set(build.key, `changed since ${status.previous.tag}: ${describeChanges(status.previous.changes)}`);
  }
  return reasons;
}

/** Size and layer count of each image the engine holds (registry-only nodes are absent). */
export async function imageFacts(engineFor: (platform: string) => EngineConnection, plan: Plan): Promise<Map<string, ImageFacts>> {
  const facts = new Map<string, ImageFacts>();
  for (const build of plan.builds) {
    try {
      const info = await engineFor(build.platform).docker.getImage(build.tag).inspect();
      facts.set(build.key, { sizeBytes: info.Size, layers: info.RootFS?.Layers?.length ?? 0 });
    } catch {
      // Not in this engine (failed, skipped, or only in the registry): the report says so with null.
    }
  }
  return facts;
}
