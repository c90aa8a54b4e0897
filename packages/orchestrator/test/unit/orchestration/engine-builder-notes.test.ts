// Error path only (a fake engine is fine here): an engine that refuses the BuildKit session still builds, and the
// builder says so through onNote, never by writing to the terminal itself (the TTY view counts its own lines).
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { EngineConnection } from '../../../src/engine/connect-engine';
import { loadGraph } from '../../../src/graph/load-graph';
import { EngineBuilder } from '../../../src/orchestration/engine-builder';
import { makePlan } from '../../../src/plan/make-plan';
import type { ProgressSink } from '../../../src/progress/progress-sink';
import { tempWorkspace, validWorkspaceFiles, type TempWorkspace } from '../../support/temp-workspace';

describe('EngineBuilder on an engine that refuses the BuildKit session', () => {
  let ws: TempWorkspace;
  let dir: string;
  let server: http.Server;
  let engine: EngineConnection;
  const requests: string[] = [];

  beforeAll(async () => {
    ws = tempWorkspace(validWorkspaceFiles());
    dir = mkdtempSync(join(tmpdir(), 'fake-engine-'));
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url?.replace(/\?.*/, '')}`);
      req.resume();
      if (req.url?.startsWith('/v1.41/session')) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'session not supported' }));
      } else if (req.url?.startsWith('/v1.41/build')) {
        req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(`${JSON.stringify({ aux: { ID: `sha256:${'a'.repeat(64)}` } })}\n`));
      } else {
        res.writeHead(404).end();
      }
    });
    const socketPath = join(dir, 'docker.sock');
    await new Promise<void>((r) => server.listen(socketPath, r));
    engine = { docker: new Docker({ socketPath, version: 'v1.41' } as Docker.DockerOptions), address: `unix://${socketPath}`, apiVersion: '1.41' };
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
    ws.remove();
  });

  it('builds without a session, notes it once through onNote, and writes nothing to stderr', async () => {
    const plan = await makePlan(loadGraph({ root: ws.root }), { targets: ['mid'], platforms: ['linux/amd64'] });
    const notes: string[] = [];
    const sink: ProgressSink = { events: () => undefined, nodeEnded: () => undefined, close: () => undefined };
    const builder = new EngineBuilder(engine, { progress: sink, networkMode: 'none', session: {}, onNote: (t) => notes.push(t) });
    const stderr = jest.spyOn(process.stderr, 'write');
    try {
      for (const build of plan.builds) await builder.build(build, new AbortController().signal);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
    expect(requests).toEqual(['POST /v1.41/session', 'POST /v1.41/build', 'POST /v1.41/session', 'POST /v1.41/build']);
    expect(notes).toEqual([`unix://${join(dir, 'docker.sock')} refused a BuildKit session (POST /v1.41/session: HTTP 400: session not supported); building without one (no registry credentials for pulls, no secrets)`]);
  });
});
