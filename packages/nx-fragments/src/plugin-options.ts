/** Options of the nx-fragments plugin, set under `plugins` in nx.json. */
export interface FragmentsPluginOptions {
  /** Name of the inferred target that builds a fragment's image(s). Default `image`. */
  targetName?: string;
}

export interface NormalizedFragmentsPluginOptions {
  targetName: string;
}

export function normalizeOptions(options: FragmentsPluginOptions | undefined): NormalizedFragmentsPluginOptions {
  return { targetName: options?.targetName ?? 'image' };
}
