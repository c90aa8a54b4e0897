/**
 * The permission bits written to the tar and hashed: directories and executables 0755, other files 0644, links 0777.
 *
 * Why not the bits on disk: they depend on the umask of whoever checked the repository out (002 vs 022), so the same
 * commit would hash — and tag — differently on a laptop and in CI, and nothing would ever be up to date across
 * machines. git itself records only "executable or not"; so do we. setuid/setgid/sticky bits are dropped: a build
 * context has no business carrying them (set them in a RUN step if an image needs them).
 */
export function canonicalMode(type: 'file' | 'dir' | 'symlink' | 'special', mode: number): number {
  if (type === 'dir') return 0o755;
  if (type === 'symlink') return 0o777;
  return mode & 0o111 ? 0o755 : 0o644;
}
