import { commandArgs, commandName, type ShellCommand } from '../model/shell-commands';

/** A package manager installing named packages: `apt-get install -y gcc` -> { manager: 'apt', packages: ['gcc'] }. */
export interface PackageInstall {
  manager: 'apt' | 'dnf' | 'apk' | 'pip' | 'conda';
  /** The package manager's sub-command and options, e.g. ['-y', '--no-install-recommends']. */
  options: string[];
  /** Package names as written, without versions, architectures or extras; local files and URLs left out. */
  packages: string[];
}

/** Options that take the next word as their value (when not written `--opt=value`). */
const VALUE_OPTIONS: Record<PackageInstall['manager'], Set<string>> = {
  apt: new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release']),
  dnf: new Set(['--setopt', '-x', '--exclude', '--enablerepo', '--disablerepo', '--repo', '--repoid', '--releasever', '--installroot', '-c', '--config', '--forcearch']),
  apk: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--cache-dir']),
  pip: new Set(['-c', '--constraint', '-r', '--requirement', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--python', '-p', '--index-strategy', '--torch-backend', '--upgrade-package', '-P', '--no-binary', '--only-binary', '--platform', '--python-version', '--python-platform', '--cache-dir', '--trusted-host', '--src', '--index', '--default-index', '--override', '--build-constraint', '-b', '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer', '--link-mode', '--config-setting', '-C', '--reinstall-package', '--no-build-isolation-package', '--extra', '--group', '--report', '--log', '--progress-bar', '--root-user-action']),
  conda: new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '--file']),
};

/** Which manager runs, and where its own arguments start (after `uv pip` / `python -m pip`). */
function manager(command: ShellCommand): { manager: PackageInstall['manager']; args: string[] } | undefined {
  const name = commandName(command);
  const args = commandArgs(command);
  if (name === 'apt-get' || name === 'apt' || name === 'aptitude') return { manager: 'apt', args };
  if (['dnf', 'yum', 'microdnf', 'tdnf'].includes(name)) return { manager: 'dnf', args };
  if (name === 'apk') return { manager: 'apk', args };
  if (/^pip(3(\.\d+)?)?$/.test(name)) return { manager: 'pip', args };
  if (name === 'uv' && args[0] === 'pip') return { manager: 'pip', args: args.slice(1) };
  if (/^python(3(\.\d+)?)?$/.test(name) && args[0] === '-m' && args[1] === 'pip') return { manager: 'pip', args: args.slice(2) };
  if (['conda', 'mamba', 'micromamba'].includes(name)) return { manager: 'conda', args };
  return undefined;
}

const INSTALL_VERBS: Record<PackageInstall['manager'], string[]> = {
  apt: ['install'],
  dnf: ['install'],
  apk: ['add'],
  pip: ['install'],
  conda: ['install', 'create'],
};

export function packageInstall(command: ShellCommand): PackageInstall | undefined {
  const found = manager(command);
  if (!found) return undefined;
  const valueOptions = VALUE_OPTIONS[found.manager];
  const options: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < found.args.length; i++) {
    const word = found.args[i];
    if (word.startsWith('-')) {
      options.push(word);
      if (valueOptions.has(word) && i + 1 < found.args.length) options.push(found.args[++i]);
    } else positional.push(word);
  }
  const [verb, ...names] = positional;
  if (!INSTALL_VERBS[found.manager].includes(verb ?? '')) return undefined;
  return { manager: found.manager, options, packages: names.map((n) => packageName(found.manager, n)).filter((n): n is string => n !== undefined) };
}

/** `gcc=4:13.2` -> gcc, `cmake==3.30` -> cmake, `foo[bar]` -> foo; paths, URLs, wheels and `"$@"` -> undefined. */
function packageName(manager: PackageInstall['manager'], word: string): string | undefined {
  if (/^[./~$]/.test(word) || word.includes('://') || /\.(whl|deb|rpm|tar\.gz|zip|apk)$/.test(word)) return undefined;
  if (manager === 'apt') return word.replace(/[=/].*$/, '').replace(/:[a-z0-9]+$/, '');
  if (manager === 'pip' || manager === 'conda') return word.replace(/\[.*$/, '').replace(/[<>=!~;@ ].*$/, '');
  return word;
}
