import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { flagValue } from '../model/dockerfile-model';
import { walkInstructions } from '../instruction-walker';
import { commandArgs, commandName, type ShellCommand } from '../model/shell-commands';
import { isGitSource } from './git-pinned-ref';

const ID = 'download-checksum';
const HINT =
  'pin the URL under downloads: in pins.yaml, bind it with downloads: in fragment.yaml (<PREFIX>_URL / <PREFIX>_SHA256), ' +
  'and check it in the same RUN: echo "${<PREFIX>_SHA256}  <file>" | sha256sum -c -  (`fragments pins lock` records the sum)';

export const downloadChecksum: LintRule = {
  id: ID,
  description:
    'Everything downloaded is verified. A RUN that runs curl or wget with a URL (any non-option argument) also runs a ' +
    'checksum or signature check in the same RUN: sha256sum/sha384sum/sha512sum/shasum with -c/--check, gpg/gpgv ' +
    '--verify, cosign verify-blob or minisign -V. An ADD of an http(s) URL has --checksum=sha256:… . A download that ' +
    'is not verified can change, or be replaced, between two builds of the same pins (Dynamo fetched rustup-init, ' +
    'NATS, etcd and sccache unverified).',
  check(context) {
    const findings: Finding[] = [];
    for (const { lint, instruction } of walkInstructions(context.fragments)) {
      const at = (message: string, hint = HINT) => findings.push({ rule: ID, file: lint.dockerfile.file, line: instruction.line, message, hint });
      if (instruction.keyword === 'RUN') {
        const downloads = instruction.commands.filter(isDownload);
        if (downloads.length > 0 && !instruction.commands.some(isVerification)) {
          at(`${[...new Set(downloads.map(commandName))].join(' and ')} downloads without a checksum check in the same RUN`);
        }
      }
      if (instruction.keyword === 'ADD' && flagValue(instruction, 'checksum') === undefined) {
        for (const source of instruction.args.slice(0, -1)) {
          if (/^https?:\/\//i.test(source) && !isGitSource(source)) {
            at(`ADD ${source} without --checksum`, 'add --checksum=sha256:<hex> (BuildKit verifies it), or download in a RUN and check it with sha256sum -c');
          }
        }
      }
    }
    return findings;
  },
};

function isDownload(command: ShellCommand): boolean {
  const name = commandName(command);
  return (name === 'curl' || name === 'wget') && commandArgs(command).some((a) => !a.startsWith('-'));
}

function isVerification(command: ShellCommand): boolean {
  const name = commandName(command);
  const args = commandArgs(command);
  if (/^sha(256|384|512)sum$/.test(name) || name === 'shasum') return args.some((a) => a === '--check' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
  if (name === 'gpg' || name === 'gpg2') return args.includes('--verify');
  if (name === 'gpgv') return true;
  if (name === 'cosign') return args[0] === 'verify-blob';
  if (name === 'minisign') return args.includes('-V');
  return false;
}
