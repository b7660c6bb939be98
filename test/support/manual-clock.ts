import type { CancelTimer, Clock } from '../../src/domain/clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when a test says so; timers fire in time order as it passes them. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  timer(at: number, fn: () => void): CancelTimer {
    const entry = { at, seq: this.#seq++, fn };
    this.#pending.push(entry);
    return () => {
      this.#pending = this.#pending.filter((p) => p !== entry);
    };
  }

  /** Timers not yet fired. A test that ends with some may have leaked one. */
  get pendingTimers(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `ms`, firing each due timer at its own instant. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(to: number): void {
    for (;;) {
      const due = this.#pending.filter((p) => p.at <= to).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#pending = this.#pending.filter((p) => p !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = Math.max(this.#now, to);
  }
}
