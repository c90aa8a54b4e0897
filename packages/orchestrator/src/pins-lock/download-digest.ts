import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { networkReason } from '../registry/registry-client';
import { EnvironmentError } from '../errors/fragments-error';

/** A download that could not be read or fetched (lockPins reports it as a user error naming the pin). */
export class DownloadError extends EnvironmentError {
  constructor(message: string) {
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
      throw new DownloadError(`not a valid file URL: ${(e as Error).message}`);
    }
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new DownloadError(`cannot read ${path}: ${err.code ?? err.message}`);
    }
    return hash.digest('hex');
  }
  let res: Response;
  try {
    res = await fetchImpl(url, { redirect: 'follow' });
  } catch (e) {
    throw new DownloadError(`cannot fetch: ${networkReason(e)}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DownloadError(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  try {
    for await (const chunk of res.body) hash.update(chunk);
  } catch (e) {
    throw new DownloadError(`the download broke off: ${networkReason(e)}`);
  }
  return hash.digest('hex');
}
