import { isUtf8 } from 'node:buffer';

/**
 * Checks that a byte stream is UTF-8, chunk by chunk. `isUtf8` is Node's SIMD validator
 * (several GB/s); the only JavaScript work per chunk is finding where the last complete
 * character ends, so a character split across two chunks is checked whole with the next.
 */
export class Utf8Validator {
  #carry: Uint8Array = new Uint8Array(0);

  /**
   * Validates the next chunk. Returns -1 when it is fine so far, or the offset inside
   * `chunk` of the first byte that cannot be UTF-8 (0 when the fault is in a character
   * begun in the previous chunk).
   */
  push(chunk: Uint8Array): number {
    const carried = this.#carry.length;
    const bytes = carried === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const cut = completeLength(bytes);
    const whole = bytes.subarray(0, cut);
    if (!isUtf8(whole)) return Math.max(0, firstInvalid(whole) - carried);
    this.#carry = Uint8Array.prototype.slice.call(bytes, cut);
    return -1;
  }

  /** True when the stream did not end inside a character. */
  end(): boolean {
    return this.#carry.length === 0;
  }
}

/** How many bytes of `bytes` end on a character boundary (at most 3 are held back). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] as number;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/**
 * Offset of the first byte that starts no valid UTF-8 sequence. Only called once a chunk
 * failed, to say where; speed does not matter here.
 */
function firstInvalid(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
