import { randomBytes } from 'node:crypto';
import type { Random } from '../domain/random.ts';

const POOL_SIZE = 4096;

/**
 * Crypto-backed randomness; the only place production code draws chance. Bytes come from a
 * pool refilled 4 KB at a time: one `randomBytes` call per id costs more than the rest of
 * an import row.
 */
export class SystemRandom implements Random {
  #pool = Buffer.alloc(0);
  #offset = 0;

  next(): number {
    // 48 random bits make every float in [0, 1) at that resolution equally likely.
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }

  bytes(size: number): Buffer {
    if (size > POOL_SIZE) return randomBytes(size);
    if (this.#offset + size > this.#pool.length) {
      this.#pool = randomBytes(POOL_SIZE);
      this.#offset = 0;
    }
    const out = Buffer.from(this.#pool.subarray(this.#offset, this.#offset + size));
    this.#offset += size;
    return out;
  }
}
