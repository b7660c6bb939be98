import type { Pick } from './render-template.ts';

/**
 * A deterministic picker: the same seed yields the same sequence of picks, so a message
 * re-rendered on retry (seeded with its id) gets the text it got the first time. Not for
 * secrets; only spread matters, and `Math.random` would make renders unreplayable.
 *
 * The seed string is hashed with xmur3 into four 32-bit words that start an sfc32
 * generator (both public-domain, small, and well spread for short, similar seeds such as
 * sequential ids).
 */
export function seededPicker(seed: string): Pick {
  const hash = xmur3(seed);
  const next = sfc32(hash(), hash(), hash(), hash());
  return (optionCount) => {
    const draw = next();
    // Anything but a positive count has only index 0 to offer; the draw is still spent so
    // the sequence does not depend on what the caller asked.
    if (!Number.isSafeInteger(optionCount) || optionCount < 1) return 0;
    return Math.floor((draw / 2 ** 32) * optionCount);
  };
}

/** xmur3 string hash: each call returns the next 32-bit word derived from `text`. */
function xmur3(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): a 32-bit word per call. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
}
