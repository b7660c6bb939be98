import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumberRegistry } from '../../../src/drivers/simulator/number-registry.ts';

const audience = Array.from({ length: 10_000 }, (_, i) => `+4917${String(i * 7919).padStart(9, '0')}`);

test('the unregistered fraction takes about that share, and the same numbers every time', () => {
  const first = new NumberRegistry();
  first.setUnregisteredFraction(0.2);
  const second = new NumberRegistry();
  second.setUnregisteredFraction(0.2);
  const lost = audience.filter((p) => !first.hasWhatsApp(p));
  assert.ok(lost.length > 1800 && lost.length < 2200, `${lost.length} of 10000`);
  assert.deepEqual(
    audience.filter((p) => !second.hasWhatsApp(p)),
    lost,
  );
});

test('a larger fraction keeps every number a smaller one took', () => {
  const registry = new NumberRegistry();
  registry.setUnregisteredFraction(0.1);
  const small = audience.filter((p) => !registry.hasWhatsApp(p));
  registry.setUnregisteredFraction(0.3);
  const large = new Set(audience.filter((p) => !registry.hasWhatsApp(p)));
  assert.ok(small.every((p) => large.has(p)));
});

test('listed numbers win over the fraction', () => {
  const registry = new NumberRegistry();
  registry.setUnregisteredFraction(1);
  const [a = '', b = ''] = audience;
  registry.register([a]);
  assert.equal(registry.status(a), 'registered');
  assert.equal(registry.status(b), 'unregistered');
  registry.invalidate([b]);
  assert.equal(registry.status(b), 'invalid');
  assert.equal(registry.status('4917'), 'invalid');
});
