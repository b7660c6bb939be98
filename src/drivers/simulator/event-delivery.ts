import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../../domain/clock.ts';
import type { DriverEvent } from '../driver.ts';
import type { SequencedEvent } from './sender-event-log.ts';
import type { LinkStream, SimulatorLink } from './simulator-link.ts';

export interface EventDeliveryDeps {
  link: SimulatorLink;
  clock: Clock;
  sender: string;
  /** Runs the driver's listeners; resolves once all of them have. */
  dispatch: (event: DriverEvent) => Promise<void>;
  /** Wait before following again after a failed listener or a lost stream. */
  retryAfterMs: number;
  log?: Logger | undefined;
}

/** Events handed to listeners whose promises have not all resolved yet. */
const MAX_IN_FLIGHT = 512;

interface Pending {
  seq: number;
  log: string;
  generation: number;
  state: 'running' | 'done' | 'failed';
}

/**
 * Moves one sender's events from the network to the driver's listeners, in order, and
 * acknowledges an event only once its listeners — and those of every event before it —
 * resolved. That is what makes a crash safe: an event whose effect the engine had not
 * persisted was never acknowledged, so the network hands it to the next driver.
 * Consequently every event may arrive more than once.
 *
 * Listeners are not awaited one by one: the next event is handed over while earlier ones are
 * still being stored, so the engine can write a burst of receipts in one transaction. The
 * acknowledgement still only covers a contiguous prefix of resolved events.
 *
 * Acknowledgements are cumulative and coalesced (one request in flight, then the latest seq);
 * a lost acknowledgement only means a redelivery.
 */
export class EventDelivery {
  readonly #deps: EventDeliveryDeps;
  #stream: LinkStream | null = null;
  #queue: SequencedEvent[] = [];
  /** The log the positions below refer to; a new log (network reset) starts them over. */
  #log: string | null = null;
  /** Highest seq taken into the queue: a replay of older entries is skipped. */
  #lastQueued = 0;
  /** Highest seq whose listeners all resolved. */
  #lastHandled = 0;
  #acked = 0;
  #acking = false;
  #pumping = false;
  #running = false;
  #pending: Pending[] = [];
  /** Bumped on every redelivery: results of events handed over before it are ignored. */
  #generation = 0;
  #retry: CancelTimer | null = null;

  constructor(deps: EventDeliveryDeps) {
    this.#deps = deps;
  }

  /** Starts following the sender's events; a no-op while already following. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#follow();
  }

  /** Stops: nothing more is dispatched; unhandled events stay unacknowledged on the network. */
  stop(): void {
    this.#running = false;
    this.#retry?.();
    this.#retry = null;
    this.#stream?.close();
    this.#stream = null;
    this.#queue = [];
    this.#pending = [];
    this.#generation++;
    this.#lastQueued = this.#lastHandled;
  }

  #follow(): void {
    this.#retry = null;
    if (!this.#running) return;
    this.#stream = this.#deps.link.follow(
      this.#deps.sender,
      (entry) => this.#take(entry),
      (error) => {
        this.#deps.log?.debug({ err: error }, 'event stream ended; following again');
        this.#stream = null;
        this.#later();
      },
    );
  }

  #later(): void {
    if (!this.#running || this.#retry !== null) return;
    this.#retry = this.#deps.clock.timer(this.#deps.clock.now() + this.#deps.retryAfterMs, () =>
      this.#follow(),
    );
  }

  #take(entry: SequencedEvent): void {
    if (!this.#running) return;
    if (entry.log !== this.#log) {
      // The old log is gone with everything in it; the new one is numbered from 1.
      this.#log = entry.log;
      this.#queue = [];
      this.#lastQueued = 0;
      this.#lastHandled = 0;
      this.#acked = 0;
    }
    if (entry.seq <= this.#lastQueued) return;
    this.#lastQueued = entry.seq;
    this.#queue.push(entry);
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      // Never run listeners inside the network's own call stack (an in-process send appends
      // events synchronously; a listener that sends again must not re-enter it).
      await null;
      while (this.#pending.length < MAX_IN_FLIGHT) {
        const entry = this.#queue.shift();
        if (entry === undefined) break;
        const pending: Pending = {
          seq: entry.seq,
          log: entry.log,
          generation: this.#generation,
          state: 'running',
        };
        this.#pending.push(pending);
        this.#deps.dispatch(entry.event).then(
          () => this.#settled(pending, 'done'),
          (error: unknown) => {
            this.#deps.log?.warn(
              { err: error, seq: entry.seq },
              'event listener failed; it will be redelivered',
            );
            this.#settled(pending, 'failed');
          },
        );
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Moves the handled mark over the resolved prefix; a failure at its head redelivers. */
  #settled(pending: Pending, state: 'done' | 'failed'): void {
    if (pending.generation !== this.#generation) return;
    pending.state = state;
    for (let head = this.#pending[0]; head !== undefined && head.state === 'done'; head = this.#pending[0]) {
      this.#pending.shift();
      if (head.log === this.#log) this.#lastHandled = head.seq;
    }
    if (this.#pending[0]?.state === 'failed') {
      this.#redeliver();
      return;
    }
    void this.#ack();
    if (this.#queue.length > 0 && !this.#pumping) void this.#pump();
  }

  /** Drops what is queued and follows again later from the last acknowledged event. */
  #redeliver(): void {
    this.#queue = [];
    this.#pending = [];
    this.#generation++;
    this.#lastQueued = this.#lastHandled;
    this.#stream?.close();
    this.#stream = null;
    this.#later();
  }

  async #ack(): Promise<void> {
    if (this.#acking) return;
    this.#acking = true;
    try {
      while (this.#log !== null && this.#lastHandled > this.#acked) {
        const [log, seq] = [this.#log, this.#lastHandled];
        try {
          await this.#deps.link.ack(this.#deps.sender, seq, log);
        } catch (error) {
          // Not handled further on purpose: an unacknowledged event is redelivered, and
          // listeners are idempotent, so a lost ack costs one repeat, not a lost event.
          this.#deps.log?.debug({ err: error, seq }, 'acknowledgement lost');
          return;
        }
        if (log === this.#log) this.#acked = seq;
      }
    } finally {
      this.#acking = false;
    }
  }
}
