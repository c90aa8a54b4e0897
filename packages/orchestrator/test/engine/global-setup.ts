/**
 * Engine tests need a real Docker engine. When none answers they fail here, once, with what to do — they never pass
 * silently without one. FRAGMENTS_SKIP_ENGINE_TESTS=1 leaves the engine project out of the run (jest.config.js), so
 * this setup does not run then.
 */
import http from 'node:http';

export default async function globalSetup(): Promise<void> {
  const socket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const ok = await new Promise<boolean>((resolve) => {
    const req = http.get({ socketPath: socket, path: '/_ping', timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
  if (!ok) {
    throw new Error(
      `engine tests need a Docker engine, and none answers at ${socket}.\n` +
        '  Start one with: sudo bash tools/ensure-engine.sh   (or set DOCKER_HOST)\n' +
        '  To skip the engine tests visibly: FRAGMENTS_SKIP_ENGINE_TESTS=1 npm test',
    );
  }
}
