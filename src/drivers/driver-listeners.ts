import type { DriverEvent, DriverEventListener } from './driver.ts';

/** A driver's `onEvent` subscribers, and handing events to them. */
export class DriverListeners {
  readonly #listeners = new Set<DriverEventListener>();

  /** Subscribes; returns the unsubscribe function (`Driver.onEvent`). */
  add(listener: DriverEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Hands the events, in order, to every listener subscribed now, without waiting for one
   * call before the next; resolves once all resolved, rejects if any rejected or threw.
   */
  async dispatch(events: readonly DriverEvent[]): Promise<void> {
    const listeners = [...this.#listeners];
    const running: Promise<void>[] = [];
    for (const event of events) {
      for (const listener of listeners) running.push((async () => listener(event))());
    }
    await Promise.all(running);
  }
}
