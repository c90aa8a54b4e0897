import type { PackageInstall } from './package-installs';

/**
 * The build tools the runtime check knows, by package and by binary. A tool is named the way `jit:` in
 * fragment.yaml names it (nvcc, ptxas, gcc, g++, ninja, …).
 */
const CUDA_BIN_TOOLS = ['nvcc', 'ptxas', 'cudafe++', 'fatbinary', 'nvlink', 'cuobjdump', 'nvdisasm'];
const CUDA_NVVM_TOOLS = ['cicc'];
export const COMPILER_BINARIES = [
  ...CUDA_BIN_TOOLS, ...CUDA_NVVM_TOOLS,
  'gcc', 'g++', 'cc', 'c++', 'cpp', 'clang', 'clang++', 'gfortran',
  'make', 'cmake', 'ninja', 'meson', 'rustc', 'cargo', 'rustup', 'go', 'zig',
];

/** Package name -> the tools it installs (system packages and PyPI packages that ship a build tool). */
const PACKAGES: [RegExp, string[]][] = [
  [/^build-essential$/, ['gcc', 'g++', 'make']],
  [/^(gcc|gcc-\d+(\.\d+)*)$/, ['gcc']],
  [/^(g\+\+|g\+\+-\d+(\.\d+)*|gcc-c\+\+)$/, ['g++']],
  [/^cpp(-\d+)?$/, ['cpp']],
  [/^(clang|clang-\d+(\.\d+)*|clang\+\+(-\d+)?)$/, ['clang']],
  [/^(gfortran(-\d+)?|gcc-gfortran)$/, ['gfortran']],
  [/^(gcc-toolset|devtoolset)-[^-]+(-gcc)?$/, ['gcc']],
  [/^(gcc-toolset|devtoolset)-[^-]+-gcc-c\+\+$/, ['g++']],
  [/^make$/, ['make']],
  [/^cmake(3)?$/, ['cmake']],
  [/^(ninja-build|ninja)$/, ['ninja']],
  [/^meson$/, ['meson']],
  [/^(rustc|rust)$/, ['rustc']],
  [/^cargo$/, ['cargo']],
  [/^rustup$/, ['rustup']],
  [/^(golang|golang-go|golang-[\d.]+(-go)?|go)$/, ['go']],
  [/^ziglang$/, ['zig']],
  [/^(nvidia-cuda-toolkit|cuda-nvcc(-[\d-]+)?|cuda-toolkit(-[\d-]+)?|cuda-compiler(-[\d-]+)?)$/, ['nvcc', 'ptxas']],
];

/** Tools a package install brings. Only system packages count, plus cmake/ninja/meson/ziglang from PyPI. */
export function toolsInstalledBy(install: PackageInstall): Map<string, string[]> {
  const tools = new Map<string, string[]>(); // package -> tools
  for (const pkg of install.packages) {
    const name = pkg.toLowerCase(); // PyPI names are case-insensitive; system packages are lower-case anyway
    if (install.manager === 'pip' && !['cmake', 'ninja', 'meson', 'ziglang'].includes(name)) continue;
    const match = PACKAGES.find(([pattern]) => pattern.test(name));
    if (match) tools.set(pkg, match[1]);
  }
  return tools;
}

/** Toolchain folders: copying one copies its compilers. */
const TOOLCHAIN_DIRS: [RegExp, string[]][] = [
  [/^\/usr\/local\/cuda(-[\d.]+)?$/, [...CUDA_BIN_TOOLS, ...CUDA_NVVM_TOOLS]],
  [/^\/usr\/local\/cuda(-[\d.]+)?\/bin$/, CUDA_BIN_TOOLS],
  [/^\/usr\/local\/cuda(-[\d.]+)?\/nvvm(\/bin)?$/, CUDA_NVVM_TOOLS],
  [/^(\/usr\/local\/cargo|\/root\/\.cargo)(\/bin)?$/, ['cargo', 'rustc']],
  [/^(\/usr\/local\/rustup|\/root\/\.rustup)$/, ['rustc', 'cargo']],
  [/^\/usr\/local\/go(\/bin)?$/, ['go']],
  [/^\/opt\/rh\/(gcc-toolset|devtoolset)-[^/]+(\/root(\/usr(\/bin)?)?)?$/, ['gcc', 'g++']],
];

/** Tools a COPY/ADD source path brings: a compiler binary (`/usr/local/cuda/bin/nvcc`, `…/gcc*`) or a toolchain folder. */
export function toolsCopiedBy(source: string): string[] {
  const path = source.replace(/\/+\.?$/, '').replace(/\/\*$/, '') || '/';
  const dir = TOOLCHAIN_DIRS.find(([pattern]) => pattern.test(path));
  if (dir) return dir[1];
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!/[*?[]/.test(base)) {
    const plain = base.replace(/-\d+(\.\d+)*$/, ''); // gcc-13 -> gcc
    return COMPILER_BINARIES.includes(plain) ? [plain] : [];
  }
  const glob = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return COMPILER_BINARIES.filter((tool) => glob.test(tool));
}
