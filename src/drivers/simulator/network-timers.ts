import type { CancelTimer, Clock } from '../../domain/clock.ts';

interface Entry {
  cancel: CancelTimer;
  /** Runs instead when the set is closed: a pending answer must still settle. */
  onClose: (() => void) | null;
}

/**
 * The network's pending timers (receipts, replies, reconnects, delayed answers), so that
 * `reset()` and `close()` leave nothing behind: a leaked timer keeps a process alive and
 * fires into a network that was meant to be empty.
 */
export class NetworkTimers {
  readonly #clock: Clock;
  #entries = new Set<Entry>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Runs `fn` after `delayMs` of the clock. With `settleOnClose`, closing runs `fn` at once
   * instead of dropping it (used for send answers, whose callers are awaiting them).
   */
  after(delayMs: number, fn: () => void, options: { settleOnClose?: boolean } = {}): CancelTimer {
    const entry: Entry = {
      cancel: () => {},
      onClose: options.settleOnClose === true ? fn : null,
    };
    entry.cancel = this.#clock.timer(this.#clock.now() + Math.max(0, delayMs), () => {
      this.#entries.delete(entry);
      fn();
    });
    this.#entries.add(entry);
    return () => {
      entry.cancel();
      this.#entries.delete(entry);
    };
  }

  /** Cancels everything; answers that must settle are settled now. */
  clear(): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const entry of entries) {
      entry.cancel();
      entry.onClose?.();
    }
  }
}
