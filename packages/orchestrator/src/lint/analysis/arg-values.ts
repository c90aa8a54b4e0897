import type { GraphNode } from '../../graph/fragment-graph';
import type { LintContext, FragmentLint } from '../lint-context';

/** What an ARG holds when a node is built, as far as the workspace says statically. */
export type ArgValue =
  /** A known string; `source` says where it came from, for messages; `pinned` when a profile may change it. */
  | { kind: 'literal'; value: string; source: string; pinned?: boolean }
  /** The image of an upstream node (`uses:`). */
  | { kind: 'node'; id: string }
  /** A pinned base image (`bases:`), checked in pins.yaml itself. */
  | { kind: 'base'; key: string }
  | { kind: 'unknown' };

/** The value of a global ARG (one a FROM line can see) for `node`: its fragment.yaml binding, else its default. */
export function globalArgValue(context: LintContext, lint: FragmentLint, node: GraphNode, name: string): ArgValue {
  if (node.uses[name] !== undefined) return { kind: 'node', id: node.uses[name] };
  if (node.bases[name] !== undefined) return { kind: 'base', key: node.bases[name] };
  if (node.args[name] !== undefined) return { kind: 'literal', value: node.args[name], source: `args.${name} in ${lint.fragment.configFile}` };
  const version = node.pins[name] !== undefined ? context.graph.pins.versions[node.pins[name]] : undefined;
  if (version !== undefined) return { kind: 'literal', value: version, source: `versions.${node.pins[name]}`, pinned: true };
  if (lint.bindings.has(name)) return { kind: 'unknown' };
  const declared = lint.dockerfile.globalArgs.flatMap((a) => a.properties.map((p) => ({ ...p, line: a.line }))).find((p) => p.name === name);
  if (declared?.value !== undefined) return { kind: 'literal', value: declared.value, source: `the default of ARG ${name} on line ${declared.line}` };
  return { kind: 'unknown' };
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Replaces `${X}` / `$X`; undefined when any variable is unknown or the expression uses other `${…}` forms. */
export function substitute(expression: string, resolve: (name: string) => string | undefined): string | undefined {
  let unknown = false;
  const result = expression.replace(VARIABLE, (_whole, braced: string | undefined, bare: string | undefined) => {
    const value = resolve((braced ?? bare)!);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown || result.includes('${') ? undefined : result;
}

/** The expression as a regular expression in which every variable matches anything (`layout-${X}` -> /^layout-.*$/i). */
export function expressionPattern(expression: string): RegExp {
  const parts = expression.split(/(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)/);
  const source = parts.map((p, i) => (i % 2 === 1 ? '.*' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'i');
}

export function hasVariables(expression: string): boolean {
  return /\$/.test(expression);
}
