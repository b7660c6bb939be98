/**
 * The only source of chance. Production code gets crypto-backed randomness; tests hand in a
 * seeded one so jitter, ids and picks replay exactly.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** `size` random bytes. */
  bytes(size: number): Uint8Array;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}
