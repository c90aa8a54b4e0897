// Public API of the orchestrator. The nx plugin and tests import from here; the package has no nx dependency.
export { UserError, UserErrors, isUserError } from './errors/user-error';
export { FragmentsError, EnvironmentError, InternalError, errorKind, exitCodeFor, EXIT_CODES, isFragmentsError, type ErrorKind } from './errors/fragments-error';
export { FragmentSchema, type FragmentConfig } from './schema/fragment-schema';
export { PinsSchema, PinsLockSchema, type PinsConfig, type PinsLock } from './schema/pins-schema';
export { loadGraph, type LoadOptions } from './graph/load-graph';
export { loadFragments, type Fragment } from './workspace/load-fragments';
export { loadPins, listProfiles, type EffectivePins } from './workspace/load-pins';
export { findWorkspaceRoot, PINS_FILE, LOCK_FILE, FRAGMENTS_DIR, PROFILES_DIR, FRAGMENT_FILE } from './workspace/paths';
export { buildGraph, type FragmentGraph, type GraphNode } from './graph/fragment-graph';
export { makePlan, planToJson, type Plan, type PlannedBuild, type PlanJson } from './plan/make-plan';
export { selectClosure } from './plan/select-nodes';
export { hashNode, HASH_FORMAT_VERSION, type NodeHash, type NodeInputs } from './hash/node-hash';
export { main } from './cli/main';
export { renderNode, resolveNodeName, type RenderOptions, type RenderResult, type RenderedContext, type ContextMode } from './render/render-node';
export { writeSingleContext } from './render/single-context';
export { lockPins, type LockOptions, type LockResult, type LockedEntry } from './pins-lock/lock-pins';
export { writeLockFile, formatLockFile } from './pins-lock/lock-file';
export { lintWorkspace } from './lint/lint-workspace';
