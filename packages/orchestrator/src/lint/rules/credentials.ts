import type { Finding } from '../finding';
import type { LintRule } from '../lint-rule';
import { walkInstructions } from '../instruction-walker';

const ID = 'credentials';
const HINT = 'use a BuildKit secret instead: RUN --mount=type=secret,id=<name>,env=<VAR> … (it never reaches a layer or the image config)';

/**
 * Name parts that mean "this holds a secret", matched as whole parts (`TOKENIZERS_PARALLELISM` is not a token). TOKEN
 * only as the last part: model servers use it for counts (`TOKEN_BUDGET`), while secrets end in it (`HF_TOKEN`).
 */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|SECRET|CREDENTIALS?|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY)(_|$)|(^|_)TOKEN$/i;
/** Where a secret is, not the secret: the recommended way (e.g. a web-identity token file mounted as a secret). */
const POINTER_NAME = /_(FILE|PATH|DIR)$/i;

/** Values that are credentials whatever they are called. */
const SECRET_VALUES: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/, 'a GitHub token'],
  [/\bhf_[A-Za-z0-9]{30,}\b/, 'a Hugging Face token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@$]+:[^/\s@$]+@/i, 'a URL with a password'],
];

export const credentials: LintRule = {
  id: ID,
  description:
    'No credentials in build args or the environment: no ARG, and no ENV with a value, whose name has a part PASSWORD, ' +
    'PASSWD, SECRET, CREDENTIAL(S), API_KEY, ACCESS_KEY, PRIVATE_KEY or SECRET_KEY, or whose last part is TOKEN (names ending in _FILE, _PATH ' +
    'or _DIR point at a secret and are fine); and no instruction whose text holds something shaped like a key (AWS ' +
    'AKIA…/ASIA…, GitHub ghp_…, Hugging Face hf_…, Slack xox…-, Google AIza…, a PEM private key, a URL with a ' +
    'password). Build args and ENV are kept in the image history and config (Dynamo passed AWS keys as build args ' +
    'until #2960).',
  check(context) {
    const findings: Finding[] = [];
    for (const { lint, instruction } of walkInstructions(context.fragments)) {
      const at = (message: string) => findings.push({ rule: ID, file: lint.dockerfile.file, line: instruction.line, message, hint: HINT });
      if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        for (const { name, value } of instruction.properties) {
          if (!SECRET_NAME.test(name) || POINTER_NAME.test(name)) continue;
          if (instruction.keyword === 'ENV' && !value) continue;
          at(`${instruction.keyword} ${name} carries a credential; build args and ENV are stored in the image`);
        }
      }
      const shaped = SECRET_VALUES.find(([pattern]) => pattern.test(instruction.raw));
      if (shaped) at(`${instruction.keyword} contains what looks like ${shaped[1]}`);
    }
    return findings;
  },
};
