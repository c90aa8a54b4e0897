export { createNodes, createNodesV2, createDependencies, fragmentConfigGlob } from './plugin';
export type { FragmentsPluginOptions } from './plugin-options';
