const TIMEOUT_MS = 30_000;

/** Reads a media URL's bytes, refusing more than `limitBytes` (without reading them all). */
export async function fetchMedia(url: string, limitBytes: number): Promise<Buffer> {
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok || res.body === null) throw new Error(`the server answered ${res.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > limitBytes) {
      await res.body.cancel().catch(() => {});
      throw new Error(`it is larger than ${limitBytes} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
