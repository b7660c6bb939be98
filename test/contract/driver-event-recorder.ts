import type { Driver, DriverEvent } from '../../src/drivers/driver.ts';

type EventOf<T extends DriverEvent['type']> = Extract<DriverEvent, { type: T }>;

interface Waiter {
  from: number;
  test: (event: DriverEvent) => boolean;
  resolve: (event: DriverEvent) => void;
}

/**
 * Everything a driver emitted, in order, and a way to wait for a fact ("a read receipt for
 * m1 arrived") instead of for time. A wait that is never satisfied fails with the events
 * seen so far, after `deadlineMs`.
 */
export class DriverEventRecorder {
  readonly events: DriverEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #unsubscribe: () => void;

  constructor(driver: Driver) {
    this.#unsubscribe = driver.onEvent((event) => {
      this.events.push(event);
      for (const waiter of [...this.#waiters]) this.#check(waiter);
    });
  }

  /** Position after the events seen so far, for waiting on what comes next. */
  get mark(): number {
    return this.events.length;
  }

  /** The first event of `type` (matching `match`) at or after position `from`. */
  waitFor<T extends DriverEvent['type']>(
    type: T,
    match: (event: EventOf<T>) => boolean = () => true,
    from = 0,
    deadlineMs = 5000,
  ): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${type} event came; saw ${JSON.stringify(this.events.slice(from))}`));
      }, deadlineMs);
      const waiter: Waiter = {
        from,
        test: (e) => e.type === type && match(e as EventOf<T>),
        resolve: (e) => {
          clearTimeout(deadline);
          resolve(e as EventOf<T>);
        },
      };
      this.#waiters.add(waiter);
      this.#check(waiter);
    });
  }

  /** Types of the events from `from` on, for asserting an order. */
  types(from = 0): DriverEvent['type'][] {
    return this.events.slice(from).map((e) => e.type);
  }

  stop(): void {
    this.#unsubscribe();
  }

  #check(waiter: Waiter): void {
    const found = this.events.slice(waiter.from).find(waiter.test);
    if (found === undefined) return;
    this.#waiters.delete(waiter);
    waiter.resolve(found);
  }
}
