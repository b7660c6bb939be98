/**
 * Writes many small results in few transactions: items added while a write is running wait
 * for the next one, so under load each transaction carries everything that finished in the
 * meantime (group commit). Each `add` resolves once its item is committed, which is when
 * the caller may act on it — publish an event, acknowledge a receipt.
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #maxBatch: number;
  #pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running: Promise<void> | null = null;

  constructor(write: (items: T[]) => Promise<void>, options: { maxBatch?: number } = {}) {
    this.#write = write;
    this.#maxBatch = options.maxBatch ?? 500;
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#running === null) this.#running = this.#drain();
    });
  }

  /** Resolves when everything added so far is written (or has failed). */
  async flushed(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async #drain(): Promise<void> {
    // Let the other results of this turn of the event loop join the first transaction.
    await Promise.resolve();
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
