import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/read-yaml-config';
import { UserError } from '../errors/user-error';
import type { PinsConfig, PinsLock } from '../schema/pins-schema';
import { directConfigReader, type ConfigReader } from './config-reader';
import { LOCK_FILE, PINS_FILE, PROFILES_DIR, displayPath } from './paths';

/** Which file a pin came from, so errors and plans can say "pins.yaml" or "profiles/local.yaml". */
export interface PinSource {
  file: string;
  line?: number;
}

/** pins.yaml with the selected profile applied key by key, plus the lock file. */
export interface EffectivePins {
  platforms: string[];
  images: Record<string, string | Record<string, string>>;
  versions: Record<string, string>;
  downloads: PinsConfig['downloads'];
  lock: PinsLock;
  profile?: string;
  /** Remote compiler cache (pins.yaml or the profile; not an input of any hash). */
  sccache?: PinsConfig['sccache'];
  /** Where each `images.<key>`, `versions.<key>`, `downloads.<key>` was set (last writer). */
  sources: Map<string, PinSource>;
  /** Files that feed every node's pins: nx inputs and error messages use these. */
  files: string[];
}

const DEFAULT_PLATFORMS = ['linux/amd64'];

export function loadPins(root: string, profile?: string, reader: ConfigReader = directConfigReader): EffectivePins {
  const pinsFile = join(root, PINS_FILE);
  const base = reader.yaml('pins', pinsFile, displayPath(root, pinsFile));
  const layers: LoadedConfig<PinsConfig>[] = [base];
  const files = [PINS_FILE];
  if (profile) {
    const profileFile = join(root, PROFILES_DIR, `${profile}.yaml`);
    if (!existsSync(profileFile)) {
      throw new UserError(
        `profile "${profile}" does not exist (no ${displayPath(root, profileFile)})`,
        { field: '--profile' },
        `available profiles: ${listProfiles(root).join(', ') || '(none)'}`,
      );
    }
    layers.push(reader.yaml('pins', profileFile, displayPath(root, profileFile)));
    files.push(displayPath(root, profileFile));
  }
  const lockFile = join(root, LOCK_FILE);
  const lock = existsSync(lockFile) ? reader.yaml('pins-lock', lockFile, LOCK_FILE).value : { images: {}, downloads: {} };

  const pins: EffectivePins = {
    platforms: DEFAULT_PLATFORMS,
    images: {},
    versions: {},
    downloads: {},
    lock,
    profile,
    sources: new Map(),
    files,
  };
  for (const layer of layers) {
    if (layer.value.platforms) pins.platforms = layer.value.platforms;
    if (layer.value.sccache) pins.sccache = layer.value.sccache;
    for (const section of ['images', 'versions', 'downloads'] as const) {
      for (const [key, value] of Object.entries(layer.value[section])) {
        (pins[section] as Record<string, unknown>)[key] = value;
        pins.sources.set(`${section}.${key}`, { file: layer.file, line: layer.lineOf([section, key]) });
      }
    }
  }
  return pins;
}

export function listProfiles(root: string): string[] {
  const dir = join(root, PROFILES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
