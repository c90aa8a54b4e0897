import type { LoadedConfig } from '../config/read-yaml-config';
import type { DockerfileFacts } from '../dockerfile/dockerfile-facts';
import type { FragmentConfig } from '../schema/fragment-schema';
import type { PinsConfig, PinsLock } from '../schema/pins-schema';

/** The config files a workspace holds, each with its own schema. */
export interface ConfigKinds {
  fragment: FragmentConfig;
  pins: PinsConfig;
  'pins-lock': PinsLock;
}
export type ConfigKind = keyof ConfigKinds;

/**
 * How the workspace loaders read and validate their files. The direct reader parses every time; the parse cache
 * (parsed-config-cache.ts) answers from earlier runs while a file's bytes are unchanged.
 */
export interface ConfigReader {
  /** The YAML file validated against the schema of `kind`; user errors carry `displayName` and the line. */
  yaml<K extends ConfigKind>(kind: K, file: string, displayName: string): LoadedConfig<ConfigKinds[K]>;
  dockerfile(file: string, displayName: string): DockerfileFacts;
}

/**
 * Parses on every call. The parsers and schemas (yaml, zod, dockerfile-ast: most of the CLI's start-up) are required
 * here, on first use, so that a run answered from the parse cache never loads them.
 */
export const directConfigReader: ConfigReader = {
  yaml(kind, file, displayName) {
    const { readYamlConfig } = require('../config/read-yaml-config') as typeof import('../config/read-yaml-config');
    return readYamlConfig(file, schemaOf(kind), displayName) as LoadedConfig<ConfigKinds[typeof kind]>;
  },
  dockerfile(file, displayName) {
    const { readDockerfileFacts } = require('../dockerfile/dockerfile-facts') as typeof import('../dockerfile/dockerfile-facts');
    return readDockerfileFacts(file, displayName);
  },
};

/** Parses text already read (the parse cache reads each file once, to key it by its bytes). */
export function parseConfigText<K extends ConfigKind>(kind: K, text: string, displayName: string): LoadedConfig<ConfigKinds[K]> {
  const { parseYamlConfig } = require('../config/read-yaml-config') as typeof import('../config/read-yaml-config');
  return parseYamlConfig(text, schemaOf(kind), displayName) as LoadedConfig<ConfigKinds[K]>;
}

export function parseDockerfileText(text: string, displayName: string): DockerfileFacts {
  const { parseDockerfileFacts } = require('../dockerfile/dockerfile-facts') as typeof import('../dockerfile/dockerfile-facts');
  return parseDockerfileFacts(text, displayName);
}

function schemaOf(kind: ConfigKind) {
  if (kind === 'fragment') return (require('../schema/fragment-schema') as typeof import('../schema/fragment-schema')).FragmentSchema;
  const pins = require('../schema/pins-schema') as typeof import('../schema/pins-schema');
  return kind === 'pins' ? pins.PinsSchema : pins.PinsLockSchema;
}
