import { randomBytes, randomInt } from 'node:crypto';
import type { Random } from '../domain/random.ts';

/** Crypto-backed randomness; the only place production code draws chance. */
export class SystemRandom implements Random {
  next(): number {
    // 48 random bits make every float in [0, 1) at that resolution equally likely.
    return randomInt(0, 2 ** 48) / 2 ** 48;
  }

  bytes(size: number): Uint8Array {
    return randomBytes(size);
  }
}
