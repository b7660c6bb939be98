import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { seededPicker } from '../../../src/domain/template/seeded-picker.ts';

function draws(seed: string, counts: number[]): number[] {
  const pick = seededPicker(seed);
  return counts.map((n) => pick(n));
}

test('replays the same picks for the same seed', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      fc.array(fc.integer({ min: 1, max: 1000 })),
      (seed, counts) => {
        assert.deepEqual(draws(seed, counts), draws(seed, counts));
      },
    ),
  );
});

test('picks an index within the option count', () => {
  fc.assert(
    fc.property(fc.string(), fc.array(fc.integer({ min: 1, max: 2 ** 32 })), (seed, counts) => {
      draws(seed, counts).forEach((index, i) => {
        assert.ok(Number.isInteger(index) && index >= 0 && index < counts[i]!, `${index} of ${counts[i]}`);
      });
    }),
  );
});

test('answers 0 to a count outside its contract without shifting later picks', () => {
  const honest = seededPicker('msg_1');
  honest(3);
  const expectedNext = honest(5);
  for (const bad of [0, -2, 1.5, Number.NaN]) {
    const pick = seededPicker('msg_1');
    assert.equal(pick(bad), 0);
    assert.equal(pick(5), expectedNext);
  }
});

test('reaches every option across sequential seeds, roughly evenly', () => {
  for (let n = 2; n <= 10; n += 1) {
    const seen = new Array<number>(n).fill(0);
    const seeds = 200 * n;
    for (let s = 0; s < seeds; s += 1) seen[seededPicker(`msg_${s}`)(n)]! += 1;
    for (const hits of seen)
      assert.ok(hits > 100 && hits < 300, `option counts for ${n}: ${seen.join(', ')}`);
  }
});

test('differs between seeds', () => {
  assert.notDeepEqual(draws('msg_1', new Array(8).fill(1000)), draws('msg_2', new Array(8).fill(1000)));
});
