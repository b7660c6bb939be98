import type { Random } from '../../domain/random.ts';
import { doublingDelayMs } from '../../domain/retry-policy.ts';

/** Baileys' `DisconnectReason` codes (the `output.statusCode` of the closing Boom). */
export const closeCodes = {
  loggedOut: 401,
  forbidden: 403,
  timedOut: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

/** What to do after a socket closed. */
export type CloseDecision =
  /** The phone unlinked the device (or Kurir logged out): wipe the session, pair again. */
  | { action: 'logged_out'; reason: string }
  /** WhatsApp refuses the account: stop and tell someone. */
  | { action: 'banned'; reason: string }
  /** Reconnecting would not help (another client took over; nobody scanned the QR code). */
  | { action: 'stop'; reason: string }
  /** Reconnect, at once or after the backoff. */
  | { action: 'reconnect'; reason: string; immediate: boolean };

export interface CloseContext {
  /** The session is linked to a phone (not still pairing). */
  paired: boolean;
  /** The closing socket had offered pairing (shown QR codes). */
  offeredPairing: boolean;
  /** Restarts asked for (515) since the last open connection, this one included. */
  restartsSinceOpen: number;
}

/**
 * The reconnect policy per close code. 515 comes after every pairing and is answered at once
 * (once; a server that keeps asking gets the backoff, not a tight loop). 440 means another
 * client took the session over: reconnecting would take it back and start a tug of war. 408
 * on a socket that showed QR codes means they ran out with nobody scanning: an unattended
 * sender should not keep fetching QR codes for ever. Anything else is transient, 408 included
 * otherwise (Baileys reports a lost connection and a failed dial — ENOTFOUND, ECONNREFUSED —
 * as 408 too), as are 428 closed, 500 bad session and 503.
 */
export function decideOnClose(statusCode: number | undefined, context: CloseContext): CloseDecision {
  switch (statusCode) {
    case closeCodes.loggedOut:
      return { action: 'logged_out', reason: 'the device was unlinked from the phone (401)' };
    case closeCodes.forbidden:
      return { action: 'banned', reason: 'WhatsApp refused the account (403); it is likely banned' };
    case closeCodes.connectionReplaced:
      return { action: 'stop', reason: 'another client took over this session (440)' };
    case closeCodes.restartRequired:
      return {
        action: 'reconnect',
        reason: 'WhatsApp asked for a restart (515)',
        immediate: context.restartsSinceOpen <= 1,
      };
    case closeCodes.timedOut:
      if (!context.paired && context.offeredPairing) {
        return { action: 'stop', reason: 'no QR code was scanned in time (408)' };
      }
      return { action: 'reconnect', reason: 'the connection was lost (408)', immediate: false };
    default:
      return {
        action: 'reconnect',
        reason: `the connection closed (${statusCode ?? 'no code'})`,
        immediate: false,
      };
  }
}

export interface Backoff {
  /** The first delay. */
  baseMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (0 first): the base doubled per attempt, capped,
 * with "equal jitter" — a random point in the upper half — so many senders cut off together
 * do not all return in the same instant, yet none retries at once.
 */
export function reconnectDelayMs(attempt: number, backoff: Backoff, random: Random): number {
  const ceiling = doublingDelayMs(backoff.baseMs, backoff.maxMs, attempt);
  return Math.round(ceiling / 2 + random.next() * (ceiling / 2));
}

/** The HTTP-like status of a Baileys error (a Boom carries it in `output.statusCode`). */
export function statusOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | null | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}
