import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKurirError } from '../../../src/domain/errors.ts';
import { ALICE, driverFixture, SENDER, settle } from './driver-fixture.ts';

test('a pairing code is asked for once WhatsApp offers pairing, by digits without the plus', async () => {
  await using f = driverFixture();
  const { driver, events } = f.makeDriver();
  const code = await driver.requestPairingCode(SENDER);
  assert.equal(code, 'K7PQ2XWZ');
  assert.deepEqual(f.network.pairingRequests, ['4915100000001']);
  assert.deepEqual(await events.waitFor('pairing_code'), { type: 'pairing_code', code });
  await f.network.completePairing();
  assert.deepEqual(await events.waitFor('connected'), { type: 'connected', phone: SENDER });
});

test('a paired sender refuses to ask for a pairing code', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await assert.rejects(
    driver.requestPairingCode(SENDER),
    (error) => isKurirError(error) && error.code === 'sender.unavailable',
  );
  assert.deepEqual(f.network.pairingRequests, []);
});

test('asking for a pairing code gives up when WhatsApp offers no pairing in time', async () => {
  await using f = driverFixture();
  f.network.online = false;
  const { driver } = f.makeDriver();
  const asked = driver.requestPairingCode(SENDER);
  await settle();
  f.clock.advance(30_000);
  await assert.rejects(asked, (error) => isKurirError(error) && error.code === 'sender.unavailable');
});

test('a pairing code never typed does not keep the next socket from offering pairing', async () => {
  await using f = driverFixture();
  const { driver, events } = f.makeDriver();
  await driver.requestPairingCode(SENDER);
  assert.equal(f.network.current?.creds.me?.id, '4915100000001@s.whatsapp.net');
  const mark = events.mark;
  await f.network.current?.serverClose(428);
  await events.waitFor('disconnected', () => true, mark);
  f.clock.advance(1000);
  await events.waitFor('qr', () => true, mark);
  assert.equal(f.network.sockets.length, 2);
  assert.equal(f.network.current?.creds.me, undefined, 'the new socket registers afresh');
});

test('logout unlinks on WhatsApp, wipes the session and reports logged_out once', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await driver.logout();
  await settle();
  assert.equal(f.network.unlinks, 1);
  assert.equal(f.session.creds, null);
  assert.equal(events.events.filter((e) => e.type === 'logged_out').length, 1);
  assert.ok(f.session.writes.lastIndexOf('clear') > f.session.writes.lastIndexOf('saveCreds'));
});

test('logout while disconnected forgets the session here', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await f.network.dropConnection();
  await events.waitFor('disconnected');
  await driver.logout();
  await events.waitFor('logged_out');
  assert.equal(f.network.unlinks, 0);
  assert.equal(f.session.creds, null);
  f.clock.advance(60_000);
  await settle();
  assert.equal(f.network.sockets.length, 2, 'no reconnect after a logout');
});

test('typing subscribes to the chat, shows composing, then paused', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await driver.setTyping(ALICE, 'composing');
  await driver.setTyping(ALICE, 'paused');
  assert.deepEqual(f.network.presence, [
    { type: 'subscribe', jid: '4915200000002@s.whatsapp.net' },
    { type: 'composing', jid: '4915200000002@s.whatsapp.net' },
    { type: 'paused', jid: '4915200000002@s.whatsapp.net' },
  ]);
});

test('typing is best effort: offline it does nothing, and a failure does not throw', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  const socket = f.network.open;
  if (socket === undefined) throw new Error('not connected');
  socket.sendPresenceUpdate = async () => {
    throw new Error('presence refused');
  };
  await driver.setTyping(ALICE, 'composing');
  await f.network.dropConnection();
  await events.waitFor('disconnected');
  await driver.setTyping(ALICE, 'composing');
  assert.deepEqual(
    f.network.presence.map((p) => p.type),
    ['subscribe'],
  );
});
