import { AUTOMATIC_PLATFORM_ARGS } from '../../dockerfile/dockerfile-facts';
import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { walkInstructions } from '../instruction-walker';

const ID = 'arg-unbound';

/** ARGs Docker or BuildKit fill in without any --build-arg. */
const PREDEFINED = new Set([
  ...AUTOMATIC_PLATFORM_ARGS,
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'SOURCE_DATE_EPOCH',
]);

export const argUnbound: LintRule = {
  id: ID,
  description:
    'Every ARG declared without a default is bound in fragment.yaml (uses:, bases:, pins:, args:, or downloads: for ' +
    '<PREFIX>_URL / <PREFIX>_SHA256). An ARG inside a stage that re-declares a global ARG with a default inherits it. ' +
    "BuildKit's platform ARGs (TARGETARCH, …), the proxy ARGs, SOURCE_DATE_EPOCH and BUILDKIT_* are exempt. " +
    'Otherwise the ARG is silently empty in every build (the graph already refuses unbound ARGs in FROM lines).',
  check(context) {
    const findings: Finding[] = [];
    for (const lint of context.fragments) {
      const args = [...walkInstructions(lint, { keywords: ['ARG'] })];
      const globalDefaults = new Set(args.filter((a) => a.stage === undefined).flatMap((a) => a.instruction.properties.filter((p) => p.value !== undefined).map((p) => p.name)));
      for (const { stage, instruction } of args) {
        for (const { name, value } of instruction.properties) {
          if (value !== undefined || PREDEFINED.has(name) || name.startsWith('BUILDKIT_') || lint.bindings.has(name)) continue;
          if (stage !== undefined && globalDefaults.has(name)) continue;
          findings.push({
            rule: ID,
            file: lint.dockerfile.file,
            line: instruction.line,
            message: `ARG ${name} has no default and ${lint.fragment.configFile} does not bind it, so it is empty in every build`,
            hint: `bind it in ${lint.fragment.configFile} (pins: for a version from pins.yaml, args: for a literal), give it a default (ARG ${name}=…), or remove it`,
          });
        }
      }
    }
    return findings;
  },
};
