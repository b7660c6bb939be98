import type { Random } from './random.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included (the earlier systems used 3). */
  maxAttempts: number;
  /** Wait after the first failure; doubles each time (2 s, 4 s, 8 s as before). */
  baseMs: number;
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseMs: 2000, maxMs: 5 * 60_000 };

/** Doublings counted at most: 2³⁰ is past any cap in use, and keeps the product finite. */
const MAX_DOUBLINGS = 30;

/** `baseMs` doubled `n` times, never more than `maxMs` (no jitter). */
export function doublingDelayMs(baseMs: number, maxMs: number, n: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(n, MAX_DOUBLINGS));
}

/**
 * When to try again after `attempt` (1-based) failed, or null when attempts are spent.
 * Exponential with ±20 % jitter so a burst of failures does not retry in lock-step.
 * A network's own `retryAfterMs` is a floor.
 */
export function retryAt(
  policy: RetryPolicy,
  attempt: number,
  now: number,
  random: Random,
  retryAfterMs?: number,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const exponential = doublingDelayMs(policy.baseMs, policy.maxMs, attempt - 1);
  const jittered = exponential * (0.8 + random.next() * 0.4);
  return now + Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
