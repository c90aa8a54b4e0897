import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlConfig, type LoadedConfig } from '../config/read-yaml-config';
import type { FragmentGraph, GraphNode } from '../graph/fragment-graph';
import { PinsSchema, type PinsConfig } from '../schema/pins-schema';
import type { Fragment } from '../workspace/load-fragments';
import { listProfiles } from '../workspace/load-pins';
import { PINS_FILE, PROFILES_DIR, displayPath } from '../workspace/paths';
import { parseDockerfileModel, type DockerfileModel } from './model/dockerfile-model';

/** Everything a rule may look at, parsed once. */
export interface LintContext {
  graph: FragmentGraph;
  /** Every fragment, upstream fragments first (graph order of their first node). */
  fragments: FragmentLint[];
  /** pins.yaml and every profiles/*.yaml (not only the selected profile: each one can be selected). */
  pinFiles: LoadedConfig<PinsConfig>[];
}

export interface FragmentLint {
  fragment: Fragment;
  dockerfile: DockerfileModel;
  /** One node per variant, in graph order. */
  nodes: GraphNode[];
  /** ARG name -> the fragment.yaml field that binds it, e.g. `pins.RUST_VERSION` or `downloads.NATS` (for NATS_URL). */
  bindings: Map<string, string[]>;
}

export function createLintContext(graph: FragmentGraph): LintContext {
  const position = new Map(graph.order.map((id, i) => [id, i]));
  const fragments = graph.fragments.map((fragment) => ({
    fragment,
    dockerfile: parseDockerfileModel(fragment.facts.text, fragment.dockerfileDisplay),
    nodes: graph.order.map((id) => graph.nodes.get(id)!).filter((n) => n.fragment === fragment),
    bindings: bindingsOf(fragment),
  }));
  const first = (f: FragmentLint) => Math.min(...f.nodes.map((n) => position.get(n.id)!), Number.MAX_SAFE_INTEGER);
  fragments.sort((a, b) => first(a) - first(b) || a.fragment.name.localeCompare(b.fragment.name));
  return { graph, fragments, pinFiles: readPinFiles(graph.root) };
}

function bindingsOf(fragment: Fragment): Map<string, string[]> {
  const bindings = new Map<string, string[]>();
  const cfg = fragment.config;
  for (const section of ['uses', 'bases', 'pins', 'args'] as const) {
    for (const arg of Object.keys(cfg[section])) bindings.set(arg, [section, arg]);
  }
  for (const prefix of Object.keys(cfg.downloads)) {
    bindings.set(`${prefix}_URL`, ['downloads', prefix]);
    bindings.set(`${prefix}_SHA256`, ['downloads', prefix]);
  }
  return bindings;
}

/** Already validated for the selected profile by loadGraph; the others are read (and validated) here. */
function readPinFiles(root: string): LoadedConfig<PinsConfig>[] {
  const files = [join(root, PINS_FILE), ...listProfiles(root).map((p) => join(root, PROFILES_DIR, `${p}.yaml`))];
  return files.filter((f) => existsSync(f)).map((f) => readYamlConfig(f, PinsSchema, displayPath(root, f)));
}
