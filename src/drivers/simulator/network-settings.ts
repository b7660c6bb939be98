import { type Random, randomInt } from '../../domain/random.ts';
import { SimulatorError } from './simulator-error.ts';

/** An inclusive range of milliseconds; each use draws a value in it. */
export type MsRange = readonly [minMs: number, maxMs: number];

/** When recipients' phones report back on an accepted part. */
export interface ReceiptSettings {
  /** From acceptance to the `delivered` receipt. */
  deliveredAfterMs: MsRange;
  /** From delivery to the `read` receipt; null: recipients never read (or hide it). */
  readAfterMs: MsRange | null;
}

/** More than `maxSends` accepted sends within `windowMs` gets the sender banned. */
export interface BanThreshold {
  maxSends: number;
  windowMs: number;
}

/** Faults a test or a demo can switch on and off while the network runs. */
export interface FaultSettings {
  /** Added to every send's answer (the network has decided by then; only the answer waits). */
  latencyMs: MsRange | null;
  /** Share of sends, 0…1, refused with a `retryable` error and not delivered. */
  failureRate: number;
  banThreshold: BanThreshold | null;
  /** How long a dropped connection (`disconnect`) stays down before it comes back. */
  reconnectAfterMs: MsRange;
}

export const defaultReceipts: ReceiptSettings = { deliveredAfterMs: [200, 1500], readAfterMs: [1000, 8000] };

export const defaultFaults: FaultSettings = {
  latencyMs: null,
  failureRate: 0,
  banThreshold: null,
  reconnectAfterMs: [1000, 3000],
};

export function drawMs(random: Random, range: MsRange): number {
  return randomInt(random, range[0], range[1]);
}

function invalid(what: string, reason: string): never {
  throw new SimulatorError('simulator.invalid_request', `${what} ${reason}`, what);
}

function checkRange(what: string, range: MsRange | null): void {
  if (range === null) return;
  const [min, max] = range;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min)
    invalid(what, `must be [min, max] whole milliseconds with 0 <= min <= max, got [${min}, ${max}]`);
}

export function checkFraction(what: string, value: number): void {
  if (!(value >= 0 && value <= 1)) invalid(what, `must be between 0 and 1, got ${value}`);
}

/** Merges a change into receipt settings, refusing nonsense before anything is applied. */
export function mergeReceipts(current: ReceiptSettings, change: Partial<ReceiptSettings>): ReceiptSettings {
  const next = { ...current, ...change };
  checkRange('deliveredAfterMs', next.deliveredAfterMs);
  checkRange('readAfterMs', next.readAfterMs);
  return next;
}

/** Merges a change into fault settings, refusing nonsense before anything is applied. */
export function mergeFaults(current: FaultSettings, change: Partial<FaultSettings>): FaultSettings {
  const next = { ...current, ...change };
  checkRange('latencyMs', next.latencyMs);
  checkRange('reconnectAfterMs', next.reconnectAfterMs);
  checkFraction('failureRate', next.failureRate);
  const ban = next.banThreshold;
  if (ban !== null && !(Number.isInteger(ban.maxSends) && ban.maxSends >= 0 && ban.windowMs > 0))
    invalid('banThreshold', 'needs a whole maxSends >= 0 and a windowMs > 0');
  return next;
}
