import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../../domain/clock.ts';
import { doublingDelayMs } from '../../domain/retry-policy.ts';
import type { DriverEvent } from '../driver.ts';

export interface EventRelayDeps {
  clock: Clock;
  /** Runs every listener on one event; resolves once all of them have. */
  dispatch: (event: DriverEvent) => Promise<void>;
  /** First wait before handing a failed event over again; doubles while it keeps failing. */
  retryAfterMs: number;
  maxRetryAfterMs: number;
  log: Logger;
}

/** Events handed to listeners whose promises have not all resolved yet. */
const MAX_IN_FLIGHT = 512;

interface Pending {
  event: DriverEvent;
  generation: number;
  state: 'running' | 'done' | 'failed';
}

/**
 * Carries a Baileys driver's events to its listeners, in order, outside Baileys' emitter.
 *
 * Baileys emits synchronously, and a socket event can carry several kinds at once (a
 * buffered flush): a listener that threw inside its `emit` would stop the events after it,
 * and one that sent a message from there would re-enter the socket mid-event. So the
 * driver's socket handlers only `push` (never throwing), and listeners run here, a microtask
 * later. Batches may still be resolving (a LID looked up for an inbound message); they are
 * handed over in the order they were pushed.
 *
 * Like the simulator's delivery, the next event is handed over before the previous one's
 * promise resolved (so the engine can store a burst of receipts in one transaction). Baileys
 * itself cannot redeliver — it acknowledges to WhatsApp before it emits — so a listener
 * that fails gets the event again from here, after a growing wait, with every event handed
 * over after it (listeners are idempotent). That covers a busy store, not a crash: what was
 * in memory then is lost, as with any Baileys client.
 */
export class EventRelay {
  readonly #deps: EventRelayDeps;
  /** Batches pushed and not yet taken, in push order. */
  readonly #inbox: Promise<readonly DriverEvent[]>[] = [];
  /** Events taken from batches, waiting to be handed over. */
  #queue: DriverEvent[] = [];
  /** Handed over, in order; the prefix whose listeners all resolved is dropped. */
  #pending: Pending[] = [];
  #generation = 0;
  #failures = 0;
  #retry: CancelTimer | null = null;
  #pumping = false;
  #running = true;

  constructor(deps: EventRelayDeps) {
    this.#deps = deps;
  }

  /** Queues events (or a promise of them) behind everything pushed before. Never throws. */
  push(batch: Promise<readonly DriverEvent[]> | readonly DriverEvent[]): void {
    if (!this.#running) return;
    this.#inbox.push(Promise.resolve(batch));
    void this.#pump();
  }

  /** Hands over nothing more, and forgets what was waiting or failed. */
  stop(): void {
    this.#running = false;
    this.#retry?.();
    this.#retry = null;
    this.#inbox.length = 0;
    this.#queue = [];
    this.#pending = [];
    this.#generation++;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // Never inside the caller's stack: that is Baileys' synchronous emit.
      await null;
      while (this.#running && this.#retry === null && this.#pending.length < MAX_IN_FLIGHT) {
        const event = this.#queue.shift();
        if (event !== undefined) {
          this.#handOver(event);
          continue;
        }
        const batch = this.#inbox.shift();
        if (batch === undefined) break;
        this.#queue.push(...(await batch.catch((error: unknown) => this.#unreadable(error))));
      }
    } finally {
      this.#pumping = false;
    }
  }

  #unreadable(error: unknown): readonly DriverEvent[] {
    this.#deps.log.error({ err: error }, 'a Baileys event could not be read; it is skipped');
    return [];
  }

  #handOver(event: DriverEvent): void {
    const entry: Pending = { event, generation: this.#generation, state: 'running' };
    this.#pending.push(entry);
    this.#deps.dispatch(event).then(
      () => this.#settled(entry, 'done'),
      (error: unknown) => {
        this.#deps.log.warn(
          { err: error, event: event.type },
          'an event listener failed; it gets the event again',
        );
        this.#settled(entry, 'failed');
      },
    );
  }

  #settled(entry: Pending, state: 'done' | 'failed'): void {
    if (entry.generation !== this.#generation) return;
    entry.state = state;
    while (this.#pending[0]?.state === 'done') {
      this.#pending.shift();
      this.#failures = 0;
    }
    if (this.#pending[0]?.state === 'failed') this.#retryLater();
    else void this.#pump();
  }

  /** Hands the failed event, and everything handed over after it, over again later. */
  #retryLater(): void {
    if (this.#retry !== null) return;
    const { clock, retryAfterMs, maxRetryAfterMs } = this.#deps;
    const delay = doublingDelayMs(retryAfterMs, maxRetryAfterMs, this.#failures);
    this.#failures++;
    this.#retry = clock.timer(clock.now() + delay, () => {
      this.#retry = null;
      const again = this.#pending.map((p) => p.event);
      this.#pending = [];
      this.#generation++;
      this.#queue.unshift(...again);
      void this.#pump();
    });
  }
}
