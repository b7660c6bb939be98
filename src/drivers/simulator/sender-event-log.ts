import type { DriverEvent } from '../driver.ts';

/** One event in a sender's log with its place in the order. */
export interface SequencedEvent {
  /**
   * Which log: a sender's log is replaced when the network resets (or the simulator process
   * restarts), and its numbering starts again; a follower must start over when this changes.
   */
  log: string;
  /** 1, 2, 3… within the log; never reused, not even after the entry is acknowledged. */
  seq: number;
  event: DriverEvent;
}

export type SequencedEventListener = (entry: SequencedEvent) => void;

/** A live subscription to a log; `end` stops it. */
export interface LogSubscription {
  end(): void;
}

/**
 * Every event for one sender, kept until a driver acknowledges it, like a webhook provider
 * that retries until it gets a 200. A subscriber first gets every unacknowledged entry, then
 * the new ones as they are appended, so a driver that died between receiving an event and
 * persisting its effect gets it again. Acknowledgement is cumulative: `ack(n)` covers every
 * entry up to `n`.
 */
export class SenderEventLog {
  readonly id: string;
  #entries: SequencedEvent[] = [];
  #nextSeq = 1;
  #ackedSeq = 0;
  #subscribers = new Map<SequencedEventListener, () => void>();

  constructor(id: string) {
    this.id = id;
  }

  append(event: DriverEvent): SequencedEvent {
    const entry = { log: this.id, seq: this.#nextSeq++, event };
    this.#entries.push(entry);
    for (const listener of [...this.#subscribers.keys()]) listener(entry);
    return entry;
  }

  /**
   * Replays the unacknowledged entries, then follows. `onEnd` runs if the log ends the
   * subscription itself (the network was reset), so the subscriber can subscribe again.
   */
  subscribe(listener: SequencedEventListener, onEnd: () => void = () => {}): LogSubscription {
    this.#subscribers.set(listener, onEnd);
    for (const entry of [...this.#entries]) {
      if (!this.#subscribers.has(listener)) break;
      listener(entry);
    }
    return { end: () => this.#subscribers.delete(listener) };
  }

  /** Marks every entry up to `seq` as handled; they are never delivered again. */
  ack(seq: number, log: string = this.id): void {
    if (log !== this.id || seq <= this.#ackedSeq) return;
    this.#ackedSeq = Math.min(seq, this.#nextSeq - 1);
    const keepFrom = this.#entries.findIndex((e) => e.seq > this.#ackedSeq);
    this.#entries = keepFrom === -1 ? [] : this.#entries.slice(keepFrom);
  }

  get ackedSeq(): number {
    return this.#ackedSeq;
  }

  /** Entries not yet acknowledged. */
  get pending(): number {
    return this.#entries.length;
  }

  /** Ends every subscription, telling each subscriber. */
  endAll(): void {
    const ends = [...this.#subscribers.values()];
    this.#subscribers.clear();
    for (const onEnd of ends) onEnd();
  }
}
