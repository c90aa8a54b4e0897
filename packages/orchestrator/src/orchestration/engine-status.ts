import type { EngineConnection } from '../engine/connect-engine';
import { imageExists } from '../engine/engine-queries';
import { onEngine } from '../engine/engine-error';
import type { PlannedBuild } from '../plan/make-plan';
import { diffInputs, inputDigests, LABELS, type InputChanges, type InputDigests } from './image-labels';

export type NodeStatus =
  | { state: 'up to date' }
  | { state: 'in registry' }
  | { state: 'will build'; previous?: { tag: string; changes: InputChanges } };

/**
 * Whether the engine already holds a planned image, and if not, what changed since the newest older image of the same
 * node and platform (read from its labels).
 */
export async function engineStatus(engine: EngineConnection, build: PlannedBuild): Promise<NodeStatus> {
  if (await imageExists(engine, build.tag)) return { state: 'up to date' };
  const images = await onEngine(engine, `listing earlier images of ${build.key}`, () =>
    engine.docker.listImages({ filters: { label: [`${LABELS.node}=${build.node.id}`, `${LABELS.platform}=${build.platform}`] } }),
  );
  const newest = images
    .filter((img) => img.Labels?.[LABELS.inputs])
    .sort((a, b) => b.Created - a.Created)[0];
  if (!newest) return { state: 'will build' };
  let before: InputDigests;
  try {
    before = JSON.parse(newest.Labels[LABELS.inputs]);
  } catch {
    return { state: 'will build' };
  }
  const tag = newest.RepoTags?.find((t) => t !== '<none>:<none>') ?? newest.Id.slice(0, 19);
  return { state: 'will build', previous: { tag, changes: diffInputs(before, inputDigests(build)) } };
}

