import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimulatorError } from '../../../src/drivers/simulator/simulator-error.ts';
import { ALICE, networkFixture, SENDER, text } from './network-fixture.ts';

test('an unpaired sender gets a QR code and connects once the phone pairs', async () => {
  const { network, events } = networkFixture();
  network.createSender(SENDER);
  network.connect(SENDER, 'qr');
  assert.equal(events[0]?.type, 'qr');
  assert.equal(network.senderState(SENDER)?.status, 'pairing');
  const refused = await network.send(SENDER, text('m1', ALICE));
  assert.deepEqual(refused.ok ? null : [refused.error.kind, refused.error.code], [
    'logged_out',
    'not_paired',
  ]);

  network.pair(SENDER);
  assert.deepEqual(events.at(-1), { type: 'connected', phone: SENDER });
  assert.equal((await network.send(SENDER, text('m2', ALICE))).ok, true);
});

test('a driver that asks for a pairing code gets one instead of a QR code', () => {
  const { network, events } = networkFixture();
  network.connect(SENDER, 'code');
  const event = events[0];
  assert.equal(event?.type, 'pairing_code');
  assert.equal(event?.type === 'pairing_code' && event.code, network.senderState(SENDER)?.pairingCode);
});

test('pairing without a pairing attempt under way is refused', () => {
  const { network } = networkFixture();
  network.createSender(SENDER);
  assert.throws(
    () => network.pair(SENDER),
    (e: SimulatorError) => e.code === 'simulator.not_pairing',
  );
  assert.throws(
    () => network.pair('+4915199999999'),
    (e: SimulatorError) => e.code === 'simulator.sender_not_found',
  );
});

test('an auto-pairing sender connects straight after its QR code', () => {
  const { network, events } = networkFixture();
  network.createSender(SENDER, { autoPair: true });
  network.connect(SENDER, 'qr');
  assert.deepEqual(
    events.map((e) => e.type),
    ['qr', 'connected'],
  );
});

test('a paired session survives the driver going away and coming back', () => {
  const { network, events, connected } = networkFixture();
  connected();
  network.detach(SENDER);
  assert.equal(network.senderState(SENDER)?.status, 'disconnected');
  assert.equal(network.senderState(SENDER)?.paired, true);
  network.connect(SENDER, 'qr');
  assert.deepEqual(
    events.map((e) => e.type),
    ['qr', 'connected', 'connected'],
  );
});

test('after a logout the sender is refused until it pairs again', async () => {
  const { network, events, connected } = networkFixture();
  connected();
  network.createSender(SENDER, { autoPair: false });
  network.logout(SENDER);
  assert.deepEqual(events.at(-1), { type: 'logged_out', reason: 'unlinked_from_phone' });
  const refused = await network.send(SENDER, text('m1', ALICE));
  assert.deepEqual(refused.ok ? null : [refused.error.kind, refused.error.code], [
    'logged_out',
    'logged_out',
  ]);
  network.connect(SENDER, 'qr');
  assert.equal(events.at(-1)?.type, 'qr', 'a new pairing is needed');
  network.pair(SENDER);
  assert.equal((await network.send(SENDER, text('m2', ALICE))).ok, true);
});

test('a dropped connection refuses sends as retryable and comes back by itself', async () => {
  const { network, events, connected, clock } = networkFixture();
  connected();
  network.disconnect(SENDER, 5000);
  assert.deepEqual(events.at(-1), { type: 'disconnected', reason: 'connection_lost', willReconnect: true });
  const refused = await network.send(SENDER, text('m1', ALICE));
  assert.deepEqual(refused.ok ? null : [refused.error.kind, refused.error.code], [
    'retryable',
    'disconnected',
  ]);
  clock.advance(4999);
  assert.equal(network.senderState(SENDER)?.status, 'disconnected');
  clock.advance(1);
  assert.deepEqual(events.at(-1), { type: 'connected', phone: SENDER });
  assert.equal((await network.send(SENDER, text('m2', ALICE))).ok, true);
});

test('a dropped connection stays down when its driver let go meanwhile', () => {
  const { network, clock, connected } = networkFixture();
  connected();
  network.disconnect(SENDER, 1000);
  network.detach(SENDER);
  clock.advance(2000);
  assert.equal(network.senderState(SENDER)?.status, 'disconnected');
  assert.equal(clock.pendingTimers, 0);
});

test('a banned sender is refused, told so on every connect, and cannot pair', async () => {
  const { network, events, connected } = networkFixture();
  connected();
  network.ban(SENDER);
  assert.deepEqual(events.at(-1), { type: 'banned', reason: 'banned_by_network' });
  const refused = await network.send(SENDER, text('m1', ALICE));
  assert.deepEqual(refused.ok ? null : refused.error.kind, 'banned');
  network.connect(SENDER, 'qr');
  assert.equal(events.at(-1)?.type, 'banned');
  assert.throws(
    () => network.pair(SENDER),
    (e: SimulatorError) => e.code === 'simulator.sender_banned',
  );
});

test('a sender number must be E.164', () => {
  const { network } = networkFixture();
  assert.throws(
    () => network.createSender('0151 123'),
    (e: SimulatorError) => e.code === 'simulator.invalid_phone',
  );
});
