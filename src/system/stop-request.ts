import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../domain/clock.ts';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Why a process stops: a signal, or the npm process that started it is gone. */
export type StopReason = StopSignal | 'launcher_gone';

/** The slice of `process` a stop request uses; tests hand in a stand-in. */
export interface SignalledProcess {
  on(signal: StopSignal, listener: () => void): unknown;
  /** The parent's pid, read anew each time (it changes when the parent dies). */
  readonly ppid: number;
  exit(code: number): void;
}

export interface StopRequestDeps {
  process: SignalledProcess;
  clock: Clock;
  log: Logger;
  /**
   * How long the stop may take once asked for. Past it the process exits with 1 at once;
   * whatever was under way is then recovered at the next start, as after a crash.
   */
  graceMs: number;
  /**
   * Started through npm (`npm start`, `npx kurir …`): stop as well when the process that
   * started this one is gone. npm forwards a signal to its child only, and under `npx` that
   * child is a shell that dies of it without passing it on, leaving this process orphaned.
   */
  followLauncher: boolean;
}

/**
 * A second signal this soon after the first is the same request: a Ctrl-C reaches every
 * process of the terminal's foreground group, so `npm start` gets it and forwards it to
 * Kurir, which may have got it from the terminal already.
 */
const SAME_REQUEST_MS = 1000;
/** How often the launcher is checked; a stop takes at most this long to notice it is gone. */
const LAUNCHER_CHECK_MS = 1000;

/**
 * Resolves at the first SIGINT or SIGTERM (or when the launcher is gone), for the caller to
 * stop gracefully and exit. From then on the stop is bounded: a later signal exits with 1
 * at once, and so does the stop still running after `graceMs`.
 */
export function awaitStopRequest(deps: StopRequestDeps): Promise<StopReason> {
  const { process, clock, log, graceMs } = deps;
  return new Promise((resolve) => {
    let askedAt: number | null = null;
    let cancelCheck: CancelTimer = () => {};
    const ask = (reason: StopReason) => {
      const now = clock.now();
      if (askedAt !== null) {
        if (now - askedAt < SAME_REQUEST_MS) return;
        log.warn({ reason }, 'asked again to stop: exiting without waiting');
        process.exit(1);
        return;
      }
      askedAt = now;
      cancelCheck();
      log.info({ reason, graceMs }, 'stopping');
      clock.timer(now + graceMs, () => {
        log.error({ graceMs }, 'the stop took too long: exiting without waiting');
        process.exit(1);
      });
      resolve(reason);
    };
    process.on('SIGINT', () => ask('SIGINT'));
    process.on('SIGTERM', () => ask('SIGTERM'));

    const launcher = process.ppid;
    // Parent 1 (init) or 0 (none visible): already orphaned at start, nothing to follow.
    if (!deps.followLauncher || launcher <= 1) return;
    const check = () => {
      cancelCheck = clock.timer(clock.now() + LAUNCHER_CHECK_MS, () => {
        if (process.ppid !== launcher) ask('launcher_gone');
        else check();
      });
    };
    check();
  });
}
