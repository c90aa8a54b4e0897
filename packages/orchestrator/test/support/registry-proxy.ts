import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestRegistry } from './registry';

/**
 * A pass-through HTTP proxy in front of a real test registry, on its own 127.0.0.1 port, that can act between a
 * client's manifest PUT reaching the registry and the client hearing the answer: the exact window in which another
 * CI job's push lands in the "hash tag overwritten between push and verify" race. The Host header is forwarded
 * unchanged, so the registry's upload Location URLs point back at the proxy.
 */
export interface RegistryProxy {
  /** `127.0.0.1:<port>`: push and read through this. */
  host: string;
  stop(): Promise<void>;
}

export interface ProxyHooks {
  /** After the registry stored a manifest PUT by a client (2xx), before the client gets the answer. */
  afterManifestPut?(repository: string, reference: string): Promise<void>;
}

export async function startRegistryProxy(upstream: TestRegistry, hooks: ProxyHooks): Promise<RegistryProxy> {
  const server = http.createServer((req, res) => {
    const manifestPut = req.method === 'PUT' ? /^\/v2\/(.+)\/manifests\/([^/?]+)$/.exec(req.url ?? '') : null;
    const forward = http.request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      void (async () => {
        if (manifestPut && answer.statusCode !== undefined && answer.statusCode < 300) {
          await hooks.afterManifestPut?.(decodeURIComponent(manifestPut[1]), decodeURIComponent(manifestPut[2])).catch((e: Error) => {
            // A hook failure must fail the test, not hang it: answer 500 so the client reports it.
            answer.resume();
            res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`proxy hook failed: ${e.message}`);
          });
          if (res.headersSent) return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      })();
    });
    forward.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Pushes, straight to the registry, a copy of the image `repository:tag` names with its config's labels changed
 * by `relabel` (same layers, new config blob, new manifest) under the same tag: what another job's push of the
 * same node (or of something else) leaves. Returns the new manifest digest.
 */
export async function overwriteWithRelabelled(
  registry: TestRegistry,
  repository: string,
  tag: string,
  relabel: (labels: Record<string, string>) => Record<string, string>,
): Promise<string> {
  const base = `${registry.url}/v2/${repository}`;
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const got = await fetch(`${base}/manifests/${tag}`, { headers: { Accept: accept } });
  if (!got.ok) throw new Error(`GET ${base}/manifests/${tag}: HTTP ${got.status}`);
  const mediaType = (got.headers.get('content-type') ?? '').split(';')[0];
  const manifest = (await got.json()) as { config: { digest: string; size: number; mediaType: string } };
  const configRes = await fetch(`${base}/blobs/${manifest.config.digest}`);
  if (!configRes.ok) throw new Error(`GET config blob ${manifest.config.digest}: HTTP ${configRes.status}`);
  const config = (await configRes.json()) as { config: { Labels?: Record<string, string> } };
  config.config.Labels = relabel({ ...(config.config.Labels ?? {}) });
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;

  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`POST ${base}/blobs/uploads/: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location')!, registry.url);
  location.searchParams.set('digest', configDigest);
  const put = await fetch(location, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: configBytes });
  if (put.status !== 201) throw new Error(`PUT config blob: HTTP ${put.status}: ${await put.text()}`);

  manifest.config = { ...manifest.config, digest: configDigest, size: configBytes.length };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const stored = await fetch(`${base}/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: manifestBytes });
  if (stored.status !== 201) throw new Error(`PUT ${base}/manifests/${tag}: HTTP ${stored.status}: ${await stored.text()}`);
  return `sha256:${createHash('sha256').update(manifestBytes).digest('hex')}`;
}
