/** The platform this machine builds natively, in Docker's spelling. */
export function hostPlatform(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch];
  return `linux/${arch ?? process.arch}`;
}

/** The platforms a plan covers: those asked for, once each, else the host's. */
export function planPlatforms(requested: readonly string[] | undefined): string[] {
  return [...new Set(requested && requested.length > 0 ? requested : [hostPlatform()])];
}
