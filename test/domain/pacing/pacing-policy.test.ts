import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  nextGapMs,
  type PacingInput,
  pacingPresets,
  presetGapsSeconds,
  resolvePacing,
  typingMs,
} from '../../../src/domain/pacing/pacing-policy.ts';
import { SeededRandom } from '../../support/seeded-random.ts';

for (const preset of pacingPresets.filter((p) => p !== 'manual')) {
  test(`every gap of the ${preset} preset falls inside its range`, () => {
    const policy = resolvePacing({ preset });
    const [min, max] = presetGapsSeconds[preset as Exclude<typeof preset, 'manual'>];
    const random = new SeededRandom(3);
    for (let i = 1; i <= 2000; i++) {
      const { gapMs, batchPause } = nextGapMs(policy, i, random);
      assert.equal(batchPause, false);
      assert.ok(gapMs >= min * 1000 && gapMs <= max * 1000, `${gapMs}`);
    }
  });
}

test('gaps are spread over the whole range, not fixed', () => {
  const policy = resolvePacing({ preset: 'manual', minSeconds: 4, maxSeconds: 8 });
  const random = new SeededRandom(5);
  const gaps = Array.from({ length: 1000 }, (_, i) => nextGapMs(policy, i + 1, random).gapMs);
  assert.ok(Math.min(...gaps) < 4300 && Math.max(...gaps) > 7700);
  assert.ok(new Set(gaps).size > 500);
});

test('property: batch pauses come exactly every N messages and gaps stay in their ranges', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 1, max: 25 }),
      fc.integer({ min: 31, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 2 ** 31 }),
      (a, b, every, pauseMin, pauseExtra, seed) => {
        const input: PacingInput = {
          preset: 'manual',
          minSeconds: Math.min(a, b),
          maxSeconds: Math.max(a, b),
          batch: { every, minSeconds: pauseMin, maxSeconds: pauseMin + pauseExtra },
        };
        const policy = resolvePacing(input);
        const random = new SeededRandom(seed);
        for (let n = 1; n <= 100; n++) {
          const { gapMs, batchPause } = nextGapMs(policy, n, random);
          assert.equal(batchPause, n % every === 0);
          if (batchPause) assert.ok(gapMs >= pauseMin * 1000 && gapMs <= (pauseMin + pauseExtra) * 1000);
          else assert.ok(gapMs >= Math.min(a, b) * 1000 && gapMs <= Math.max(a, b) * 1000);
        }
      },
    ),
  );
});

test('typing time grows with the text and stays within its bounds', () => {
  const policy = resolvePacing({ preset: 'short', typing: true });
  const random = new SeededRandom(1);
  assert.equal(typingMs(policy, 5, random), 1000, 'short texts type for the minimum');
  const mid = typingMs(policy, 100, random);
  assert.ok(mid >= 2400 && mid <= 3600, `${mid}`);
  assert.equal(typingMs(policy, 10_000, random), 8000, 'long texts are capped');
  assert.equal(typingMs(resolvePacing({ preset: 'short' }), 100, random), 0, 'no typing unless asked');
});
