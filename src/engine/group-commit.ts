import type { Clock } from '../domain/clock.ts';

/**
 * Writes many small results in few transactions: items added while a write is running wait
 * for the next one, so under load each transaction carries everything that finished in the
 * meantime (group commit). Each `add` resolves once its item is committed, which is when
 * the caller may act on it — publish an event, acknowledge a receipt.
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #maxBatch: number;
  readonly #linger: { clock: Clock; ms: number } | null;
  /** Ends the current linger at once (a flush was asked for). */
  #endLinger: (() => void) | null = null;
  #pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running: Promise<void> | null = null;

  /**
   * `linger` (given a clock and a delay) holds the first item of a batch that long before
   * writing, for results that trickle in one by one (receipts) and would otherwise each
   * take a transaction of their own.
   */
  constructor(
    write: (items: T[]) => Promise<void>,
    options: { maxBatch?: number; linger?: { clock: Clock; ms: number } } = {},
  ) {
    this.#write = write;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#linger = options.linger === undefined || options.linger.ms <= 0 ? null : options.linger;
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#running === null) this.#running = this.#drain();
    });
  }

  /** Resolves when everything added so far is written (or has failed). */
  async flushed(): Promise<void> {
    this.#endLinger?.();
    while (this.#running !== null) await this.#running;
  }

  async #drain(): Promise<void> {
    // Let the other results of this turn of the event loop (or of the linger) join the
    // first transaction.
    const linger = this.#linger;
    if (linger === null) await Promise.resolve();
    else {
      await new Promise<void>((resolve) => {
        const cancel = linger.clock.timer(linger.clock.now() + linger.ms, resolve);
        this.#endLinger = () => {
          cancel();
          resolve();
        };
      });
      this.#endLinger = null;
    }
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.#maxBatch);
        try {
          await this.#write(batch.map((p) => p.item));
          for (const p of batch) p.resolve();
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#running = null;
    }
  }
}
