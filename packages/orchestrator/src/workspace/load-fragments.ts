import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerfileFacts } from '../dockerfile/dockerfile-facts';
import { UserError, UserErrors } from '../errors/user-error';
import type { FragmentConfig } from '../schema/fragment-schema';
import { directConfigReader, type ConfigReader } from './config-reader';
import { FRAGMENTS_DIR, FRAGMENT_FILE, displayPath } from './paths';

/** One `fragments/<name>/` folder: its validated config and its parsed Dockerfile. */
export interface Fragment {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Workspace-relative paths, for messages. */
  configFile: string;
  dockerfileDisplay: string;
  dockerfile: string;
  config: FragmentConfig;
  lineOf(path: readonly (string | number)[]): number | undefined;
  facts: DockerfileFacts;
}

const FRAGMENT_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Loads every fragment under `<root>/fragments/`. All problems are collected and reported together, so a contributor
 * fixes every broken fragment in one pass.
 */
export function loadFragments(root: string, reader: ConfigReader = directConfigReader): Fragment[] {
  const dir = join(root, FRAGMENTS_DIR);
  if (!existsSync(dir)) {
    throw new UserError(`no ${FRAGMENTS_DIR}/ folder in ${root}`, {}, 'create fragments/<name>/ with a Dockerfile and a fragment.yaml');
  }
  const errors: UserError[] = [];
  const fragments: Fragment[] = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    const configPath = join(folder, FRAGMENT_FILE);
    const dockerfilePath = join(folder, 'Dockerfile');
    const configFile = displayPath(root, configPath);
    const dockerfileDisplay = displayPath(root, dockerfilePath);
    const hasConfig = existsSync(configPath);
    const hasDockerfile = existsSync(dockerfilePath);
    if (!hasConfig && !hasDockerfile) continue; // not a fragment (e.g. shared scripts)
    if (!hasConfig) {
      errors.push(new UserError(`has a Dockerfile but no ${FRAGMENT_FILE}`, { file: displayPath(root, folder) }, `add ${configFile} with at least "image:"`));
      continue;
    }
    if (!hasDockerfile) {
      errors.push(new UserError('missing Dockerfile', { file: dockerfileDisplay }, `every fragment folder needs a Dockerfile next to ${FRAGMENT_FILE}`));
      continue;
    }
    if (!FRAGMENT_NAME.test(name)) {
      errors.push(new UserError(`fragment folder name "${name}" is not valid`, { file: displayPath(root, folder) }, 'use lower-case letters, digits, ".", "-" or "_"'));
      continue;
    }
    try {
      const loaded = reader.yaml('fragment', configPath, configFile);
      fragments.push({
        name,
        dir: folder,
        configFile,
        dockerfileDisplay,
        dockerfile: dockerfilePath,
        config: loaded.value,
        lineOf: loaded.lineOf,
        facts: reader.dockerfile(dockerfilePath, dockerfileDisplay),
      });
    } catch (e) {
      if (e instanceof UserErrors) errors.push(...e.errors);
      else if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new UserErrors(errors);
  return fragments;
}
