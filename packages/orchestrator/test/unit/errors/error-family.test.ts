import net from 'node:net';
import { describeError, EnvironmentError, errorKind, EXIT_CODES, exitCodeFor, InternalError, worstKind } from '../../../src/errors/fragments-error';
import { classifySystemError, systemErrorCode } from '../../../src/errors/system-error';
import { UserError, UserErrors, isUserError } from '../../../src/errors/user-error';
import { engineError } from '../../../src/engine/engine-error';
import { RegistryClient, RegistryError } from '../../../src/registry/registry-client';
import { runCliInProcess } from '../../support/run-cli';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('the error family', () => {
  it('gives every error a kind, and anything outside the family is internal', () => {
    expect(errorKind(new UserError('bad'))).toBe('user');
    expect(errorKind(new UserErrors([new UserError('a'), new UserError('b')]))).toBe('user');
    expect(errorKind(new EnvironmentError('engine gone'))).toBe('environment');
    expect(errorKind(new InternalError('bug'))).toBe('internal');
    expect(errorKind(new TypeError('x is undefined'))).toBe('internal');
    expect(errorKind(errno('ECONNREFUSED'))).toBe('internal'); // unclassified until a boundary classifies it
    expect(errorKind('a string')).toBe('internal');
  });

  it('maps kinds to the documented exit codes', () => {
    expect(exitCodeFor(new UserError('bad'))).toBe(1);
    expect(exitCodeFor(new EnvironmentError('down'))).toBe(3);
    expect(exitCodeFor(new Error('bug'))).toBe(70);
    expect(EXIT_CODES).toMatchObject({ ok: 0, user: 1, usage: 2, environment: 3, internal: 70, canceled: 130 });
    expect(worstKind(['user', 'environment', 'user'])).toBe('environment');
    expect(worstKind(['environment', 'internal'])).toBe('internal');
    expect(worstKind([])).toBeUndefined();
  });

  it('prints user and environment errors as where, message and hint without a stack; only internal ones with a stack', () => {
    const env = new EnvironmentError('pushing x: ECONNRESET', { where: 'engine unix:///run/e.sock', hint: 'is it running?' });
    expect(describeError(env)).toBe('error: engine unix:///run/e.sock: pushing x: ECONNRESET\n  is it running?');
    expect(describeError(new UserError('unknown key', { file: 'pins.yaml', line: 3, field: 'images' }, 'remove it'))).toBe('error: pins.yaml:3: images: unknown key\n  remove it');
    const bug = describeError(new TypeError('boom'));
    expect(bug).toMatch(/^internal error \(please report it with this output\): TypeError: boom\n\s+at /);
  });

  it('keeps isUserError for the nx plugin: true for user errors only', () => {
    expect(isUserError(new UserError('x'))).toBe(true);
    expect(isUserError(new UserErrors([]))).toBe(true);
    expect(isUserError(new EnvironmentError('x'))).toBe(false);
    expect(isUserError(new Error('x'))).toBe(false);
  });
});

describe('the system-error classifier', () => {
  it('turns socket and file-system errors into environment errors naming what and where', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOSPC', 'EACCES', 'EPIPE']) {
      const e = classifySystemError(errno(code), { doing: 'writing pins.lock.yaml', where: '/w/pins.lock.yaml' }) as EnvironmentError;
      expect(e).toBeInstanceOf(EnvironmentError);
      expect(e.message).toMatch(new RegExp(`^writing pins\\.lock\\.yaml: ${code}: `));
      expect(e.where).toBe('/w/pins.lock.yaml');
    }
    expect((classifySystemError(errno('ENOSPC'), { doing: 'd', where: 'w' }) as EnvironmentError).hint).toMatch(/free some disk space/);
  });

  it('finds the code in a cause chain (fetch) and in a response that broke off ("aborted")', () => {
    expect(systemErrorCode(new TypeError('fetch failed', { cause: errno('ECONNREFUSED') }))).toBe('ECONNREFUSED');
    expect(systemErrorCode(new Error('aborted'))).toBe('ECONNRESET');
    expect(systemErrorCode(new Error('something else'))).toBeUndefined();
  });

  it('leaves errors it does not know, and errors already in the family, as they are', () => {
    const bug = new TypeError('x');
    expect(classifySystemError(bug, { doing: 'd', where: 'w' })).toBe(bug);
    const user = new UserError('u');
    expect(classifySystemError(Object.assign(user, { code: 'ENOENT' }), { doing: 'd', where: 'w' })).toBe(user);
  });

  it('classifies engine failures by address: socket errors and HTTP 5xx', () => {
    const engine = { address: 'unix:///run/e.sock' };
    const refused = engineError(engine, errno('ECONNREFUSED', 'connect ECONNREFUSED /run/e.sock'), 'asking for image x') as EnvironmentError;
    expect(refused).toMatchObject({ kind: 'environment', where: 'engine unix:///run/e.sock' });
    expect(refused.format()).toMatch(/^engine unix:\/\/\/run\/e\.sock: asking for image x: ECONNREFUSED: connection refused[^]*\n {2}check that the engine runs/);
    const http500 = engineError(engine, Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'disk full' } }), 'tagging x') as EnvironmentError;
    expect(http500.message).toBe('tagging x: the engine answered HTTP 500: disk full');
  });
});

describe('boundaries', () => {
  it('a registry that is not listening is an environment error naming the host', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await new RegistryClient(`127.0.0.1:${port}`, undefined).manifestDigest('x', 'y').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: 'environment', reason: 'unreachable' });
    expect((error as Error).message).toMatch(new RegExp(`cannot reach registry 127\\.0\\.0\\.1:${port} .*ECONNREFUSED`));
  });

  describe('the CLI', () => {
    let ws: TempWorkspace;
    const savedHost = process.env.DOCKER_HOST;
    beforeEach(() => (ws = tempWorkspace(validWorkspaceFiles())));
    afterEach(() => {
      ws.remove();
      if (savedHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = savedHost;
    });

    it('exits 3 without a stack when the engine does not answer, naming the address', async () => {
      process.env.DOCKER_HOST = 'unix:///nonexistent/fragments-test.sock';
      const run = await runCliInProcess(['--root', ws.root, 'build']);
      expect(run.code).toBe(EXIT_CODES.environment);
      expect(run.stderr).toMatch(/^error: DOCKER_HOST: no Docker engine answers\. Tried:\n\s+unix:\/\/\/nonexistent\/fragments-test\.sock \(DOCKER_HOST\)/);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    });

    it('exits 1 on bad input', async () => {
      const run = await runCliInProcess(['--root', ws.root, 'plan', 'no-such-fragment', '--no-engine']);
      expect(run.code).toBe(EXIT_CODES.user);
      expect(run.stderr).toMatch(/^error: /);
    });
  });
});
