import type { Random } from './random.ts';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Ids sort by creation time (48-bit millisecond prefix, like a ULID) so cursor pagination
 * over `id` is stable and index-friendly, and carry 80 random bits so they never collide
 * across processes. The prefix names the kind (`ct_` contact, `tpl_` template, …).
 */
export function newId(prefix: string, now: number, random: Random): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random.bytes(10);
  let tail = '';
  // 80 bits = 16 base32 characters, taken 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += alphabet[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${tail}`;
}

export type IdFactory = (prefix: string) => string;
