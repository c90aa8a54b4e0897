import type { ManifestDescriptor, PlatformDescriptor } from './registry-client';

/** `linux/arm64/v8` -> { os, architecture, variant }. */
export function parsePlatform(platform: string): PlatformDescriptor {
  const [os, architecture, variant] = platform.split('/');
  return { os, architecture, variant };
}

export function formatPlatform(p: PlatformDescriptor | undefined): string {
  if (!p) return 'unknown/unknown';
  return [p.os ?? 'unknown', p.architecture ?? 'unknown', ...(p.variant ? [p.variant] : [])].join('/');
}

/** arm64 images often say variant v8; a request without a variant accepts any, preferring none or the default. */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

export function matchesPlatform(have: PlatformDescriptor, want: PlatformDescriptor): boolean {
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (!want.variant) return true;
  return (have.variant ?? DEFAULT_VARIANT[have.architecture ?? '']) === want.variant;
}

/** The child of an image index (manifest list) for `want`, as the engine would pick it. */
export function pickPlatformChild(children: ManifestDescriptor[], want: PlatformDescriptor): ManifestDescriptor | undefined {
  const candidates = children.filter((c) => c.platform && matchesPlatform(c.platform, want));
  const preferred = candidates.find((c) => !c.platform!.variant || c.platform!.variant === DEFAULT_VARIANT[want.architecture ?? '']);
  return preferred ?? candidates[0];
}
