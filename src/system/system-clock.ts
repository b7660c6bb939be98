import type { CancelTimer, Clock } from '../domain/clock.ts';

// setTimeout takes a signed 32-bit delay; longer waits are chained.
const MAX_DELAY_MS = 2_147_483_647;

/** The real clock: wall time and Node timers. The only place `Date.now` and timers are read. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  timer(at: number, fn: () => void): CancelTimer {
    let handle: NodeJS.Timeout;
    let cancelled = false;
    const arm = () => {
      const delay = at - Date.now();
      if (delay > MAX_DELAY_MS) {
        handle = setTimeout(arm, MAX_DELAY_MS);
      } else {
        handle = setTimeout(
          () => {
            if (!cancelled) fn();
          },
          Math.max(0, delay),
        );
      }
    };
    arm();
    return () => {
      cancelled = true;
      clearTimeout(handle);
    };
  }
}
