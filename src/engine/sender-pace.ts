import { nextGapMs, type PacingPolicy } from '../domain/pacing/pacing-policy.ts';
import {
  countAfter,
  QUOTA_HORIZON_MS,
  type Quotas,
  quotaNextAllowed,
  quotaRoom,
} from '../domain/pacing/quota.ts';
import type { Random } from '../domain/random.ts';

/**
 * What the dispatcher remembers about one sender's pace: when it may send next (gap or
 * batch pause after its last send), how many it sent in this run (for batch pauses), its
 * recent claim times (for quotas) and the sends in flight. Rebuilt from the message rows at
 * start-up; none of it is a counter users see.
 */
export class SenderPace {
  nextFreeAt = 0;
  inFlight = 0;
  #sentInRun = 0;
  /** Claim instants, ascending. */
  #claims: number[];
  #lastDriverSendAt = 0;

  constructor(claimTimes: number[] = []) {
    this.#claims = claimTimes;
  }

  /** The first instant this sender may claim again, given quotas and the driver's cap. */
  readyAt(now: number, quotas: Quotas, maxPerSecond: number | null): number {
    let at = Math.max(now, this.nextFreeAt);
    at = Math.max(at, quotaNextAllowed(this.#claims, quotas, at));
    if (maxPerSecond !== null && maxPerSecond > 0)
      at = Math.max(at, this.#lastDriverSendAt + 1000 / maxPerSecond);
    return at;
  }

  /** How many more claims the quotas allow right now (a batch must not overshoot them). */
  quotaRoom(now: number, quotas: Quotas): number {
    return quotaRoom(this.#claims, quotas, now);
  }

  /** Records a claim and returns the wait before this sender's next one. */
  claimed(now: number, policy: PacingPolicy, random: Random): { gapMs: number; batchPause: boolean } {
    this.noteSend(now);
    this.#lastDriverSendAt = now;
    this.#sentInRun++;
    return nextGapMs(policy, this.#sentInRun, random);
  }

  /** Counts a send against the quotas: a claim, or a send made outside the queue (a test send). */
  noteSend(now: number): void {
    // Kept ascending (the quota counts search it), even should the wall clock step back.
    let at = this.#claims.length;
    while (at > 0 && (this.#claims[at - 1] as number) > now) at--;
    this.#claims.splice(at, 0, now);
    if (this.#claims.length > 0 && (this.#claims[0] as number) <= now - QUOTA_HORIZON_MS) {
      this.#claims = this.#claims.filter((t) => t > now - QUOTA_HORIZON_MS);
    }
  }

  /** Claims in the last `spanMs`, for choosing the least loaded sender. */
  recentCount(now: number, spanMs: number): number {
    return countAfter(this.#claims, now - spanMs);
  }

  /** A new run (a resumed campaign, a reconnected sender) starts its batch count again. */
  resetRun(): void {
    this.#sentInRun = 0;
  }
}
