import type { FragmentLint } from '../lint-context';
import type { DockerInstruction } from '../model/dockerfile-model';
import { walkInstructions } from '../instruction-walker';
import { commandArgs, commandName, type ShellCommand } from '../model/shell-commands';
import { packageInstall } from './package-installs';

/**
 * Something a RUN builds, identified so that the same thing built in two fragments has the same key:
 * - `prefix:<dir>`  a dedicated install prefix (`configure --prefix=`, `meson --prefix`, `-DCMAKE_INSTALL_PREFIX=`,
 *                   `make PREFIX=… install`), e.g. /usr/local/ucx. Shared prefixes (/usr, /usr/local, /opt) say
 *                   nothing about what was built and are ignored.
 * - `wheels:<dir>`  where built wheels are written (`uv build --out-dir`, `pip wheel -w`, `python -m build --outdir`,
 *                   `maturin build --out`, `auditwheel repair -w`, `setup.py bdist_wheel -d`), e.g. /opt/dynamo/dist.
 * - `file:<path>`   a binary written by `go build -o` or a compiler's `-o` (absolute paths only).
 * - `crate:<name>`, `go:<package>`: `cargo install <crate>`, `go install <package>`.
 * - `source:<repo>` a git repository cloned by a RUN that also builds something (host/owner/name).
 * - `download:<key>` a pinned download (`${<PREFIX>_URL}`, pins.yaml downloads.<key>) used by a RUN that builds.
 * Temporary locations (/tmp, /var/tmp, relative paths) and paths with unresolved variables never identify anything.
 */
export interface Artifact {
  key: string;
  /** For messages, e.g. "install prefix /usr/local/ucx". */
  what: string;
  instruction: DockerInstruction;
}

const SHARED_PREFIXES = new Set(['/', '/usr', '/usr/local', '/opt', '/opt/local', '/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/local/lib64', '/root']);
const COMPILERS = /^(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|nvcc)(-\d+)?$/;
const BUILD_SCRIPT = /(^|[-_])(build|install)([-_][a-z0-9_-]*)?\.sh$|^(autogen|build|install)[a-z0-9_-]*\.sh$/i;

export function artifactsOf(lint: FragmentLint): Artifact[] {
  const artifacts: Artifact[] = [];
  for (const { instruction } of walkInstructions(lint, { keywords: ['RUN'] })) {
    const add = (key: string, what: string) => {
      if (!artifacts.some((a) => a.key === key && a.instruction === instruction)) artifacts.push({ key, what, instruction });
    };
    const builds = instruction.commands.some(isBuildCommand);
    for (const command of instruction.commands) {
      for (const dir of installPrefixes(command)) add(`prefix:${dir}`, `install prefix ${dir}`);
      for (const dir of wheelDirs(command)) add(`wheels:${dir}`, `wheels in ${dir}`);
      for (const file of outputFiles(command)) add(`file:${file}`, `binary ${file}`);
      const installed = installedPackage(command);
      if (installed) add(installed.key, installed.what);
      if (builds) for (const repo of clonedRepos(command)) add(`source:${repo}`, `source ${repo}`);
    }
    if (builds) {
      for (const [prefix] of Object.entries(lint.fragment.config.downloads)) {
        if (!instruction.raw.includes(`${prefix}_URL`)) continue;
        for (const key of new Set(lint.nodes.map((n) => n.downloads[prefix]).filter(Boolean))) add(`download:${key}`, `download ${key} (pins.yaml downloads.${key})`);
      }
    }
  }
  return artifacts;
}

/** Commands that compile or package something (as opposed to fetching, unpacking or installing binaries). */
function isBuildCommand(command: ShellCommand): boolean {
  const name = commandName(command);
  const args = commandArgs(command);
  if (['make', 'gmake', 'ninja', 'cmake', 'meson', 'maturin', 'scons', 'bazel', 'rpmbuild'].includes(name)) return true;
  if (name.includes('configure') || BUILD_SCRIPT.test(name)) return true;
  if ((name === 'bash' || name === 'sh') && BUILD_SCRIPT.test((args[0] ?? '').replace(/^.*\//, ''))) return true;
  if (name === 'cargo' || name === 'go') return ['build', 'install'].includes(args[0] ?? '');
  if (name === 'uv') return args[0] === 'build';
  if (/^python(3(\.\d+)?)?$/.test(name)) return args[0] === 'setup.py' || (args[0] === '-m' && args[1] === 'build');
  if (COMPILERS.test(name)) return args.includes('-o');
  const install = packageInstall(command);
  if (install?.manager === 'pip') return install.options.some((o) => o === '-e' || o === '--editable') || args.some((a) => a === '.' || a.startsWith('./'));
  return /^pip(3(\.\d+)?)?$/.test(name) && args[0] === 'wheel';
}

/** `--prefix=/x`, `--prefix /x`, `-DCMAKE_INSTALL_PREFIX=/x`, `make PREFIX=/x install`. */
function installPrefixes(command: ShellCommand): string[] {
  const name = commandName(command);
  const args = commandArgs(command);
  const found: string[] = [];
  if (name.includes('configure') || name === 'meson' || name === 'cmake') {
    args.forEach((a, i) => {
      if (a === '--prefix' && args[i + 1]) found.push(args[i + 1]);
      const m = /^(--prefix=|-DCMAKE_INSTALL_PREFIX(:PATH)?=)(.+)$/.exec(a);
      if (m) found.push(m[3]);
    });
  }
  if ((name === 'make' || name === 'gmake') && args.some((a) => a.startsWith('install'))) {
    for (const a of [...command.assignments, ...args]) {
      const m = /^(PREFIX|prefix)=(.+)$/.exec(a);
      if (m) found.push(m[2]);
    }
  }
  return found.map(normalise).filter((d): d is string => d !== undefined && !SHARED_PREFIXES.has(d));
}

function wheelDirs(command: ShellCommand): string[] {
  const name = commandName(command);
  const args = commandArgs(command);
  let flags: string[] = [];
  if (name === 'uv' && args[0] === 'build') flags = ['--out-dir', '-o'];
  else if (name === 'maturin' && args[0] === 'build') flags = ['--out', '-o'];
  else if (name === 'auditwheel' && args[0] === 'repair') flags = ['--wheel-dir', '-w'];
  else if (/^pip(3(\.\d+)?)?$/.test(name) && args[0] === 'wheel') flags = ['--wheel-dir', '-w'];
  else if (/^python(3(\.\d+)?)?$/.test(name) && args[0] === '-m' && args[1] === 'build') flags = ['--outdir', '-o'];
  else if (/^python(3(\.\d+)?)?$/.test(name) && args[0] === 'setup.py') flags = ['--dist-dir', '-d'];
  return optionValues(args, flags).map(normalise).filter((d): d is string => d !== undefined);
}

function outputFiles(command: ShellCommand): string[] {
  const name = commandName(command);
  const args = commandArgs(command);
  if (!(name === 'go' && args[0] === 'build') && !COMPILERS.test(name)) return [];
  return optionValues(args, ['-o']).map(normalise).filter((d): d is string => d !== undefined);
}

function installedPackage(command: ShellCommand): { key: string; what: string } | undefined {
  const name = commandName(command);
  const args = commandArgs(command);
  if ((name === 'cargo' || name === 'go') && args[0] === 'install') {
    const valueFlags = new Set(['--version', '--root', '--git', '--branch', '--tag', '--rev', '--path', '--features', '-F', '--target', '--profile', '-j', '--jobs']);
    const positional = args.slice(1).filter((a, i, all) => !a.startsWith('-') && !valueFlags.has(all[i - 1] ?? ''));
    const pkg = positional[0];
    if (pkg && !pkg.includes('$')) return name === 'cargo' ? { key: `crate:${pkg}`, what: `crate ${pkg} (cargo install)` } : { key: `go:${pkg.replace(/@.*$/, '')}`, what: `Go package ${pkg.replace(/@.*$/, '')}` };
  }
  return undefined;
}

function clonedRepos(command: ShellCommand): string[] {
  if (commandName(command) !== 'git') return [];
  const args = commandArgs(command);
  const clone = args.indexOf('clone');
  if (clone < 0) return [];
  return args.slice(clone + 1).filter((a) => /^(https?|git|ssh):\/\/|^git@/.test(a)).map(repoId);
}

/** `https://github.com/ofiwg/libfabric.git` and `git@github.com:ofiwg/libfabric` -> github.com/ofiwg/libfabric. */
export function repoId(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/#.*$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function optionValues(args: string[], flags: string[]): string[] {
  const values: string[] = [];
  args.forEach((a, i) => {
    if (flags.includes(a) && args[i + 1] !== undefined) values.push(args[i + 1]);
    for (const f of flags) if (f.startsWith('--') && a.startsWith(`${f}=`)) values.push(a.slice(f.length + 1));
  });
  return values;
}

/** Absolute, variable-free, non-temporary path without trailing slashes; undefined otherwise. */
function normalise(path: string): string | undefined {
  if (!path.startsWith('/') || path.includes('$')) return undefined;
  const clean = path.replace(/\/+$/, '') || '/';
  return /^\/(tmp|var\/tmp)(\/|$)/.test(clean) ? undefined : clean;
}
