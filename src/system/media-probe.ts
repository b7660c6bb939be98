import type { MediaProbe } from '../domain/media.ts';

const TIMEOUT_MS = 10_000;

/** Asks a media URL for its size and type with a HEAD request (falling back to a 1-byte GET). */
export const probeMedia: MediaProbe = async (url) => {
  try {
    let res = await fetch(url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status === 405 || res.status === 501) {
      res = await fetch(url, {
        headers: { range: 'bytes=0-0' },
        redirect: 'follow',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
    }
    if (!res.ok) return { error: `the server answered ${res.status}` };
    const range = res.headers.get('content-range');
    const length = range?.split('/')[1] ?? res.headers.get('content-length');
    const size = length === null || length === undefined || length === '*' ? null : Number(length);
    return { size: Number.isFinite(size) ? size : null, contentType: res.headers.get('content-type') };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
};
