import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/**
 * True when `header` (`X-Hub-Signature-256`) is `sha256=` and the hex HMAC-SHA256 of the raw
 * body under the app secret. It must be the bytes as received: parsing and re-serialising
 * changes escapes and key order, and breaks every non-ASCII payload.
 */
export function signatureMatches(
  appSecret: string,
  rawBody: Uint8Array,
  header: string | undefined,
): boolean {
  if (header === undefined || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/**
 * The subscription handshake: Meta calls `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 * and expects the challenge back when the token is ours. Null means: answer 403.
 */
export function verifyChallenge(
  query: Record<string, string | undefined>,
  verifyToken: string,
): string | null {
  const challenge = query['hub.challenge'];
  const token = query['hub.verify_token'];
  if (query['hub.mode'] !== 'subscribe' || challenge === undefined || token === undefined) return null;
  return sameText(token, verifyToken) ? challenge : null;
}

/** Compares in time independent of where the texts differ (the token is a shared secret). */
function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
