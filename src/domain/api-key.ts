import { createHash } from 'node:crypto';
import type { Random } from './random.ts';

export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  /** The first characters of the secret, enough to tell keys apart in a list. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 40;
export const KEY_PREFIX = 'kur_';
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;

/**
 * A new secret: `kur_` and 40 base62 characters (~238 bits). It is shown to the user once;
 * only its hash is kept. A plain SHA-256 is enough because the secret is random, not chosen
 * by a person, so there is nothing for a slow hash to protect against.
 */
export function generateApiKey(random: Random): { secret: string; prefix: string; hash: string } {
  const bytes = random.bytes(SECRET_LENGTH * 2);
  let body = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every character equally likely (248 = 4 × 62).
    if (byte < 248) body += alphabet[byte % 62];
    if (body.length === SECRET_LENGTH) break;
  }
  while (body.length < SECRET_LENGTH) body += alphabet[Math.floor(random.next() * 62)];
  const secret = KEY_PREFIX + body;
  return { secret, prefix: secret.slice(0, SHOWN_PREFIX_LENGTH), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length === KEY_PREFIX.length + SECRET_LENGTH;
}
