import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSender } from '../../src/domain/sender.ts';

const fields = {
  id: 'snd_1',
  workspaceId: 'ws_1',
  name: 'Shop',
  config: { phone: '+15550000001' },
  now: 1000,
};

test('a new sender has no number yet, full health, no pause and no quotas unless given', () => {
  assert.deepEqual(newSender({ ...fields, driver: 'baileys' }), {
    id: 'snd_1',
    workspaceId: 'ws_1',
    name: 'Shop',
    driver: 'baileys',
    config: { phone: '+15550000001' },
    phone: null,
    connection: 'pairing',
    connectionReason: null,
    quotas: {},
    pausedReason: null,
    health: 100,
    createdAt: 1000,
    updatedAt: 1000,
  });
  const quotas = { perMinute: 10, perHour: null, perDay: 500 };
  assert.deepEqual(newSender({ ...fields, driver: 'simulator', quotas }).quotas, quotas);
});

test('only a Cloud API sender, which has nothing to pair, starts disconnected', () => {
  assert.equal(newSender({ ...fields, driver: 'simulator' }).connection, 'pairing');
  assert.equal(newSender({ ...fields, driver: 'baileys' }).connection, 'pairing');
  assert.equal(newSender({ ...fields, driver: 'cloud-api' }).connection, 'disconnected');
});
