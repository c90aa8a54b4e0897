import { buildGraph, type FragmentGraph } from './fragment-graph';
import { loadFragments } from '../workspace/load-fragments';
import { loadPins } from '../workspace/load-pins';

export interface LoadOptions {
  /** Workspace root (holds pins.yaml and fragments/). */
  root: string;
  /** Name of a profiles/<name>.yaml to apply over pins.yaml. */
  profile?: string;
}

/** Reads pins, the profile and every fragment, and returns the validated graph. Touches no engine and no git. */
export function loadGraph({ root, profile }: LoadOptions): FragmentGraph {
  const pins = loadPins(root, profile);
  const fragments = loadFragments(root);
  return buildGraph(root, fragments, pins);
}
