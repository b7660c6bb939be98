import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumberDirectory, sameAccountNumber } from '../../../src/drivers/baileys/number-directory.ts';
import { ALICE, BOB, driverFixture } from './driver-fixture.ts';
import { boom } from './fake-socket.ts';

test('every number asked is answered: found ones with their jid, the rest without', () => {
  const matched = NumberDirectory.match([ALICE, BOB], [{ jid: '4915200000002@s.whatsapp.net' }]);
  assert.deepEqual(Object.fromEntries(matched), {
    [ALICE]: { jid: '4915200000002@s.whatsapp.net' },
    [BOB]: { jid: null },
  });
});

test('an account named by another form of the number is matched to the number asked', () => {
  assert.equal(sameAccountNumber('+5511987654321', '+551187654321'), true);
  assert.equal(sameAccountNumber('+5511987654321', '+551187654322'), false);
  assert.equal(sameAccountNumber('+525512345678', '+5215512345678'), true);
  assert.equal(sameAccountNumber('+4915200000002', '+4915200000002'), false, 'only the known variants');
  const matched = NumberDirectory.match(['+5511987654321'], [{ jid: '551187654321@s.whatsapp.net' }]);
  assert.deepEqual(matched.get('+5511987654321'), { jid: '551187654321@s.whatsapp.net' });
});

test('lookups are trusted for their time, and the oldest go first beyond the size', () => {
  const directory = new NumberDirectory({ ttlMs: 1000, maxEntries: 2 });
  directory.record(ALICE, { jid: null }, 0);
  assert.deepEqual(directory.lookup(ALICE, 999), { jid: null });
  assert.equal(directory.lookup(ALICE, 1000), undefined);
  directory.record(ALICE, { jid: 'a@s.whatsapp.net' }, 0);
  directory.record(BOB, { jid: 'b@s.whatsapp.net' }, 0);
  directory.record('+4915200000004', { jid: null }, 0);
  assert.equal(directory.lookup(ALICE, 1), undefined);
  assert.deepEqual(directory.lookup(BOB, 1), { jid: 'b@s.whatsapp.net' });
});

test('checkNumbers answers for every number asked, in batches', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  f.network.unregister(BOB);
  const many = Array.from({ length: 60 }, (_, i) => `+49152000001${String(i).padStart(2, '0')}`);
  const checked = await driver.checkNumbers([ALICE, BOB, ALICE, ...many]);
  assert.equal(checked.size, 62);
  assert.equal(checked.get(ALICE), true);
  assert.equal(checked.get(BOB), false);
  assert.deepEqual(
    f.network.lookups.map((batch) => batch.length),
    [50, 12],
  );
});

test('numbers checked need no second lookup to send', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await driver.checkNumbers([ALICE]);
  await driver.send({ id: 'm1', to: ALICE, type: 'text', text: 'hi' });
  assert.equal(f.network.lookups.length, 1);
});

test('a failed check or a driver offline leaves the numbers unknown', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  f.network.lookupFailure = boom(408, 'Timed Out');
  assert.equal((await driver.checkNumbers([ALICE, BOB])).size, 0);
  f.network.lookupFailure = null;
  await f.network.dropConnection();
  await events.waitFor('disconnected');
  assert.equal((await driver.checkNumbers([ALICE])).size, 0);
});
