/** A sender's limits; absent means unlimited. */
export interface Quotas {
  perMinute?: number | null;
  perHour?: number | null;
  perDay?: number | null;
}

const windows = [
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
  ['perDay', 86_400_000],
] as const;

/** The longest span any quota looks back over; older send times can be forgotten. */
export const QUOTA_HORIZON_MS = 86_400_000;

/**
 * The earliest instant at or after `now` at which one more send keeps every sliding window
 * within its limit. `sentAts` are the sender's past send instants, ascending. A window
 * (t - W, t] may hold at most L sends, so with n sends in it the next must wait until the
 * (n - L + 1)-th newest of them has left: its instant + W.
 */
export function quotaNextAllowed(sentAts: readonly number[], quotas: Quotas, now: number): number {
  let allowed = now;
  for (const [key, span] of windows) {
    const limit = quotas[key];
    if (limit === undefined || limit === null) continue;
    if (limit <= 0) return Number.POSITIVE_INFINITY;
    // Slide forward until the window ending at `allowed` holds fewer than `limit` sends.
    for (;;) {
      const inWindow = countAfter(sentAts, allowed - span);
      if (inWindow < limit) break;
      const oldestThatMustLeave = sentAts[sentAts.length - inWindow + (inWindow - limit)];
      if (oldestThatMustLeave === undefined) break;
      allowed = Math.max(allowed, oldestThatMustLeave + span);
    }
  }
  return allowed;
}

/**
 * How many more sends every sliding window ending at `now` allows (unlimited: Infinity).
 * `sentAts` are the sender's past send instants, ascending.
 */
export function quotaRoom(sentAts: readonly number[], quotas: Quotas, now: number): number {
  let room = Number.POSITIVE_INFINITY;
  for (const [key, span] of windows) {
    const limit = quotas[key];
    if (limit === undefined || limit === null) continue;
    room = Math.min(room, Math.max(0, limit - countAfter(sentAts, now - span)));
  }
  return room;
}

/** How many of the ascending instants are strictly after `t` (binary search). */
export function countAfter(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}
