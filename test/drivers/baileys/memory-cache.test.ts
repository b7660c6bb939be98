import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryCache } from '../../../src/drivers/baileys/memory-cache.ts';
import { ManualClock } from '../../support/manual-clock.ts';

test('entries expire on the injected clock, and the oldest go first beyond the size', () => {
  const clock = new ManualClock();
  const cache = new MemoryCache({ clock, ttlMs: 1000, maxEntries: 2 });
  cache.set('a', 1);
  clock.advance(999);
  assert.equal(cache.get('a'), 1);
  clock.advance(1);
  assert.equal(cache.get('a'), undefined);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('a', 3);
  cache.set('c', 4);
  assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [3, undefined, 4]);
  cache.del('a');
  cache.flushAll();
  assert.equal(cache.size, 0);
});
