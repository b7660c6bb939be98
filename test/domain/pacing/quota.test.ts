import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Quotas, quotaNextAllowed } from '../../../src/domain/pacing/quota.ts';

test('under every limit the next send may go now', () => {
  assert.equal(quotaNextAllowed([1000, 2000], { perMinute: 5 }, 3000), 3000);
  assert.equal(quotaNextAllowed([], { perMinute: 1, perHour: 1, perDay: 1 }, 5), 5);
});

test('at the per-minute limit the next send waits for the oldest to leave the minute', () => {
  assert.equal(quotaNextAllowed([0, 10_000, 20_000], { perMinute: 3 }, 30_000), 60_000);
});

test('the longest binding window wins', () => {
  const sends = [0, 1000, 2000];
  assert.equal(quotaNextAllowed(sends, { perMinute: 10, perHour: 3 }, 3000), 3_600_000);
});

test('a zero quota never allows a send', () => {
  assert.equal(quotaNextAllowed([], { perDay: 0 }, 0), Number.POSITIVE_INFINITY);
});

/**
 * Simulates a sender that always sends at the earliest allowed instant (plus random extra
 * waits) and checks every sliding minute, hour and day afterwards.
 */
test('property: sending whenever allowed never exceeds any sliding window', () => {
  fc.assert(
    fc.property(
      fc.record({
        perMinute: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
        perHour: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
        perDay: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
      }),
      fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 50, maxLength: 400 }),
      (quotas: Quotas, extraWaits) => {
        const sends: number[] = [];
        let now = 0;
        for (const extra of extraWaits) {
          now = quotaNextAllowed(sends, quotas, now + extra);
          sends.push(now);
        }
        for (const [limit, span] of [
          [quotas.perMinute, 60_000],
          [quotas.perHour, 3_600_000],
          [quotas.perDay, 86_400_000],
        ] as const) {
          if (limit === null || limit === undefined) continue;
          // The busiest window starts just after some send; check each.
          for (let i = 0; i < sends.length; i++) {
            const windowEnd = (sends[i] as number) + span;
            let count = 0;
            for (let j = i; j < sends.length && (sends[j] as number) < windowEnd; j++) count++;
            assert.ok(count <= limit, `${count} sends in a window of ${span} ms, limit ${limit}`);
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});
