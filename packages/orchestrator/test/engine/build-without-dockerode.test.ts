import { rmSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineStackCopy } from '../support/offline-stack';
import { engineFixture, RUN_LABEL, type EngineFixture } from '../support/engine-fixture';
import { runListingPackages } from '../support/loaded-packages';

// A build on a plain-HTTP engine (the unix socket here) goes through node:http alone: the image check, POST /build
// with its streamed context, the BuildKit session's upgrade. dockerode and docker-modem, about a fifth of a rebuild's
// memory, stay unloaded; they remain the client for ssh:// and TLS engines and for pushes.
describe('a build over the engine socket', () => {
  let fx: EngineFixture;
  beforeAll(async () => (fx = await engineFixture()));
  afterAll(async () => fx?.cleanup());

  it('builds twice (the second time after a Dockerfile edit) and never loads dockerode or docker-modem', async () => {
    const root = offlineStackCopy(fx.prefix);
    try {
      const args = ['--root', root, '--profile', 'local', 'build', 'nixl', '--label', `${RUN_LABEL}=${fx.runId}`, '--progress', 'plain', '--network', 'none'];
      const env = { FRAGMENTS_CACHE_DIR: join(root, '..', `${fx.runId}-cache`) };
      const first = runListingPackages(args, root, { env });
      expect(first.output).toMatch(/^nixl\s+linux\/amd64\s+built/m);
      expect(first.code).toBe(0);
      expect(first.packages).toEqual(expect.arrayContaining(['@grpc/grpc-js'])); // the capture sees the session's modules
      expect(first.packages).not.toContain('dockerode');
      expect(first.packages).not.toContain('docker-modem');

      appendFileSync(join(root, 'fragments/nixl/Dockerfile'), '\n# edited: the next build sends a new context\n');
      const second = runListingPackages(args, root, { env });
      expect(second.code).toBe(0);
      expect(second.output).toMatch(/^nixl\s+linux\/amd64\s+built/m);
      expect(second.packages).not.toContain('dockerode');
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(join(root, '..', `${fx.runId}-cache`), { recursive: true, force: true });
    }
  }, 180_000);
});
