import { spawn } from 'node:child_process';
import { EnvironmentError } from '../errors/fragments-error';
import { UserError } from '../errors/user-error';
import type { RegistryCredentials } from '../model/registry-credentials';

export interface CredentialHelperOptions {
  /** Kill the helper and fail after this long. Default 30 s (what the docker CLI effectively tolerates). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** config.json that names the helper, and the field (`credHelpers.<host>` or `credsStore`), for messages. */
  configFile?: string;
  field?: string;
}

/** What credential helpers print when they hold nothing for a server (docker-credential-helpers' ErrCredentialsNotFound). */
const NOT_FOUND = /credentials not found/i;
/** The username a helper returns for an identity token (docker CLI: `tokenUsername`). */
const TOKEN_USERNAME = '<token>';
const OUTPUT_LIMIT = 1 << 20;

/**
 * `docker-credential-<helper> get` with `server` on stdin, without blocking the event loop (spawn, not execFileSync):
 * the BuildKit session keeps answering the daemon's health checks meanwhile. Resolves undefined when the helper
 * holds nothing for the server (anonymous access, as docker does); rejects, naming helper and server, when the
 * helper is missing, times out, fails otherwise, or prints something that is not credentials JSON. No message
 * quotes the helper's stdout (it may hold the secret).
 */
export function runCredentialHelper(helper: string, server: string, options: CredentialHelperOptions = {}): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // What the docker config says (a missing helper, output that is not credentials) is the user's to fix: user error.
  // A helper that hangs or fails at run time (locked keychain, dead agent) is the machine's state: environment error.
  const fail = (what: string, hint: string) =>
    new UserError(`credential helper ${program} (for ${server}) ${what}`, { file: options.configFile, field: options.field }, hint);
  const failAtRunTime = (what: string, hint: string) =>
    new EnvironmentError(`credential helper ${program} (for ${server}) ${what}`, {
      hint,
      where: options.configFile ? `${options.configFile}${options.field ? ` (${options.field})` : ''}` : undefined,
    });
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // A grandchild of the helper may still hold the pipes open: let go of them, or this process could not exit.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      settle(() => reject(failAtRunTime(`did not answer within ${timeoutMs / 1000} s`, 'check that the helper works (`echo HOST | docker-credential-… get`), e.g. that its keychain is unlocked')));
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= OUTPUT_LIMIT) into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin: its exit status tells
    child.on('error', (e: NodeJS.ErrnoException) => {
      settle(() =>
        reject(
          e.code === 'ENOENT'
            ? fail('is not installed (not found on PATH)', `install ${program}, or remove the entry from the docker config`)
            : fail(`could not be started: ${e.message}`, `check that ${program} is executable`),
        ),
      );
    });
    child.on('close', (code, signal) => {
      settle(() => {
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8').trim();
        if (code !== 0) {
          // docker-credential-helpers print "credentials not found in native keychain" (on stdout) for an unknown server.
          if (NOT_FOUND.test(out) || NOT_FOUND.test(err)) return resolve(undefined);
          const why = signal ? `was killed by ${signal}` : `exited with status ${code}`;
          return reject(failAtRunTime(`${why}${err ? `: ${firstLine(err)}` : ''}`, `run \`echo ${server} | ${program} get\` to see what it says`));
        }
        let parsed: { Username?: unknown; Secret?: unknown };
        try {
          parsed = JSON.parse(out) as typeof parsed;
        } catch {
          return reject(fail('printed something that is not JSON', 'a helper must print {"Username": …, "Secret": …} for `get`'));
        }
        if (typeof parsed?.Secret !== 'string' || typeof (parsed.Username ?? '') !== 'string') {
          return reject(fail('printed JSON without string "Username" and "Secret" fields', 'a helper must print {"Username": …, "Secret": …} for `get`'));
        }
        if (!parsed.Secret) return resolve(undefined);
        const username = String(parsed.Username ?? '');
        // As the docker CLI does: username `<token>` means the secret is an identity (refresh) token.
        resolve({ username: username === TOKEN_USERNAME ? '' : username, secret: parsed.Secret });
      });
    });
    child.stdin.end(server);
  });
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
