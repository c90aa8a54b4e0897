import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { networkReason } from '../registry/registry-client';
import { EnvironmentError } from '../errors/fragments-error';

/**
 * Why a download could not be hashed: the URL's fault (a bad file:// URL or path, an HTTP 4xx) or the network's
 * (no connection, a broken-off transfer, an HTTP 5xx). lockPins reports the first as a user error naming the pin,
 * the second as an environment error naming it.
 */
export type DownloadFailure = 'url' | 'network';

export class DownloadError extends EnvironmentError {
  constructor(
    message: string,
    readonly failure: DownloadFailure,
  ) {
    super(message);
  }
}

/**
 * sha256 (hex) of what `url` serves, streamed: memory stays flat whatever the file size. http(s):// follows
 * redirects and needs a 2xx answer; file:// reads the local file.
 */
export async function sha256OfUrl(url: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const hash = createHash('sha256');
  if (url.startsWith('file://')) {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (e) {
      throw new DownloadError(`not a valid file URL: ${(e as Error).message}`, 'url');
    }
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new DownloadError(`cannot read ${path}: ${err.code ?? err.message}`, 'url');
    }
    return hash.digest('hex');
  }
  let res: Response;
  try {
    res = await fetchImpl(url, { redirect: 'follow' });
  } catch (e) {
    throw new DownloadError(`cannot fetch: ${networkReason(e)}`, 'network');
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DownloadError(`HTTP ${res.status} ${res.statusText}`.trim(), res.status >= 500 ? 'network' : 'url');
  }
  try {
    for await (const chunk of res.body) hash.update(chunk);
  } catch (e) {
    throw new DownloadError(`the download broke off: ${networkReason(e)}`, 'network');
  }
  return hash.digest('hex');
}
