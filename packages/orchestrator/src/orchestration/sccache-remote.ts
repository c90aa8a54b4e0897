// The remote sccache configuration as compile steps receive it: the BuildKit secret `sccache-config`, a file of
// shell assignments that fragments/nixl/sccache/sccache-setup (and the offline nixl) source. A secret, not build
// args, because build args enter the layer cache key and the image history; the cache location changes neither
// what a compiler writes (sccache returns exactly what the compiler produced for the same inputs) nor the tag.

import type { SccacheRemote } from '../schema/pins-schema';

/** The secret id compile steps mount for the remote cache configuration. */
export const SCCACHE_CONFIG_SECRET = 'sccache-config';

/** `amd64` / `arm64` from `linux/amd64` / `linux/arm64/v8`: the per-architecture key prefix. */
export function platformArch(platform: string): string {
  return platform.split('/')[1] ?? platform;
}

/** The file served as `sccache-config` for one platform. Values are single-quoted for `.` in /bin/sh. */
export function sccacheConfigFile(remote: SccacheRemote, platform: string): Buffer {
  const prefix = [remote.key_prefix.replace(/\/+$/, ''), platformArch(platform)].filter(Boolean).join('/');
  const vars: [string, string | undefined][] = [
    ['SCCACHE_BUCKET', remote.bucket],
    ['SCCACHE_REGION', remote.region],
    ['SCCACHE_ENDPOINT', remote.endpoint],
    ['SCCACHE_S3_USE_SSL', remote.use_ssl === undefined ? undefined : String(remote.use_ssl)],
    ['SCCACHE_S3_KEY_PREFIX', prefix],
    ['SCCACHE_CACHE_SIZE', remote.cache_size],
    ['SCCACHE_S3_SERVER_SIDE_ENCRYPTION', remote.server_side_encryption === undefined ? undefined : String(remote.server_side_encryption)],
  ];
  const lines = vars.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}='${v!.replace(/'/g, `'\\''`)}'`);
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
