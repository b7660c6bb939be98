/** A cancel handle for a timer set on a {@link Clock}. */
export type CancelTimer = () => void;

/**
 * The only source of "now" and of timers. Production code gets the system clock; tests
 * hand in a manual clock and move it. `domain/` never holds a clock: it takes `now`.
 */
export interface Clock {
  /** Current instant, epoch milliseconds. */
  now(): number;
  /**
   * Runs `fn` once the clock reaches `at` (epoch ms); an instant in the past fires soon.
   * The returned function cancels it; cancelling a fired timer is a no-op.
   */
  timer(at: number, fn: () => void): CancelTimer;
}
