import type { CacheStore } from 'baileys';
import type { Clock } from '../../domain/clock.ts';

export interface MemoryCacheOptions {
  clock: Clock;
  /** An entry is forgotten this long after it was set. */
  ttlMs: number;
  /** Beyond this many entries the oldest set goes first. */
  maxEntries: number;
}

/**
 * Baileys' `CacheStore` in memory, on Kurir's clock. Replaces the library's default caches
 * (which read the wall clock and run interval timers) for what the driver keeps across
 * sockets: retry counters and the signal-key cache. Expired entries go when read or pushed
 * out by newer ones; there is no sweeping timer to leak.
 */
export class MemoryCache implements CacheStore {
  readonly #options: MemoryCacheOptions;
  /** Insertion-ordered, so the first entry is the oldest set. */
  readonly #entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(options: MemoryCacheOptions) {
    this.#options = options;
  }

  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#options.clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set<T>(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#options.clock.now() + this.#options.ttlMs });
    evictOldest(this.#entries, this.#options.maxEntries);
  }

  del(key: string): void {
    this.#entries.delete(key);
  }

  flushAll(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Drops the first-inserted entries of `map` until it holds at most `max`. */
export function evictOldest(map: Map<unknown, unknown>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}
