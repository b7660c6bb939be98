import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimulatorNetwork } from '../../../src/drivers/simulator/simulator-network.ts';
import { createSimulatorServer } from '../../../src/drivers/simulator/simulator-server.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { ALICE, BOB, SENDER } from './network-fixture.ts';

const at = (phone: string) => encodeURIComponent(phone);

async function server() {
  const clock = new ManualClock();
  const network = new SimulatorNetwork(
    { clock, random: new SeededRandom(1) },
    { receipts: { deliveredAfterMs: [10, 10], readAfterMs: null } },
  );
  const app = await createSimulatorServer({ network, clock });
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const reply = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: reply.statusCode, body: reply.body === '' ? null : reply.json() };
  };
  return {
    clock,
    network,
    call,
    async [Symbol.asyncDispose]() {
      await app.close();
      await network.close();
    },
  };
}

test('a sender is created, connected through the link, paired by the phone and sends', async () => {
  await using sim = await server();
  assert.equal((await sim.call('POST', '/senders', { phone: SENDER })).status, 201);
  await sim.call('POST', `/link/senders/${at(SENDER)}/connect`, { pairWith: 'code' });
  const pairing = await sim.call('GET', `/senders/${at(SENDER)}`);
  assert.equal(pairing.body.status, 'pairing');
  assert.match(pairing.body.pairingCode, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  assert.equal((await sim.call('POST', `/senders/${at(SENDER)}/pair`)).body.status, 'connected');

  const sent = await sim.call('POST', `/link/senders/${at(SENDER)}/send`, {
    id: 'm1',
    ref: 'm1',
    to: ALICE,
    type: 'text',
    text: 'Hallo',
  });
  assert.deepEqual(sent, { status: 200, body: { ok: true, providerId: 'm1' } });
  await sim.call('POST', `/link/senders/${at(SENDER)}/send`, {
    ref: 'm2',
    to: BOB,
    type: 'text',
    text: 'Hi',
  });

  const received = await sim.call('GET', '/records/received');
  assert.deepEqual(Object.keys(received.body.recipients), [ALICE, BOB]);
  assert.deepEqual(
    received.body.recipients[ALICE].map((m: { messageId: string; text: string }) => [m.messageId, m.text]),
    [['m1', 'Hallo']],
  );
  const onlyBob = await sim.call('GET', `/records/received?to=${at(BOB)}`);
  assert.deepEqual(Object.keys(onlyBob.body.recipients), [BOB]);
  assert.equal((await sim.call('GET', `/records/attempts?sender=${at(SENDER)}`)).body.attempts.length, 2);
  assert.equal((await sim.call('GET', '/records/counts')).body.received, 2);
});

test('refused sends come back as classified results, not HTTP errors', async () => {
  await using sim = await server();
  await sim.call('POST', '/numbers/unregister', { phones: [BOB] });
  const refused = await sim.call('POST', `/link/senders/${at(SENDER)}/send`, {
    ref: 'm1',
    to: BOB,
    type: 'text',
    text: 'x',
  });
  assert.equal(refused.status, 200);
  assert.equal(refused.body.error.kind, 'logged_out', 'the sender was never paired');
  assert.deepEqual((await sim.call('GET', `/numbers/${at(BOB)}`)).body, {
    phone: BOB,
    status: 'unregistered',
    hasWhatsApp: false,
  });
});

test('bad input is refused with problem JSON naming the reason', async () => {
  await using sim = await server();
  const badPhone = await sim.call('POST', '/senders', { phone: '0151 1234' });
  assert.equal(badPhone.status, 400);
  assert.equal(badPhone.body.code, 'simulator.invalid_request');
  assert.match(badPhone.body.detail, /phone/);
  const unknownField = await sim.call('PATCH', '/faults', { failureRate: 0.1, explode: true });
  assert.equal(unknownField.status, 400);
  assert.equal(sim.network.faults.failureRate, 0, 'nothing was applied');
  const stringNumber = await sim.call('PATCH', '/faults', { failureRate: '0.1' });
  assert.equal(stringNumber.status, 400);
  assert.equal(
    (await sim.call('POST', `/senders/${at(SENDER)}/pair`)).body.code,
    'simulator.sender_not_found',
  );
  await sim.call('POST', '/senders', { phone: SENDER });
  const notPairing = await sim.call('POST', `/senders/${at(SENDER)}/pair`);
  assert.deepEqual([notPairing.status, notPairing.body.code], [409, 'simulator.not_pairing']);
  const badRange = await sim.call('PATCH', '/faults', { latencyMs: [50, 10] });
  assert.deepEqual([badRange.status, badRange.body.code], [400, 'simulator.invalid_request']);
  const noRoute = await sim.call('GET', '/nowhere');
  assert.deepEqual([noRoute.status, noRoute.body.code], [404, 'simulator.no_route']);
});

test('faults, receipts and the unregistered fraction are set at runtime and shown in settings', async () => {
  await using sim = await server();
  await sim.call('PATCH', '/faults', {
    latencyMs: [10, 50],
    failureRate: 0.05,
    banThreshold: { maxSends: 100, windowMs: 60_000 },
  });
  await sim.call('PATCH', '/receipts', { readAfterMs: [100, 200] });
  await sim.call('PUT', '/numbers/unregistered-fraction', { fraction: 0.25 });
  const { body } = await sim.call('GET', '/settings');
  assert.deepEqual(body.faults.latencyMs, [10, 50]);
  assert.equal(body.faults.failureRate, 0.05);
  assert.deepEqual(body.faults.banThreshold, { maxSends: 100, windowMs: 60_000 });
  assert.deepEqual(body.receipts, { deliveredAfterMs: [10, 10], readAfterMs: [100, 200] });
  assert.equal(body.unregisteredFraction, 0.25);
  assert.equal(body.dedup, true);
  await sim.call('PATCH', '/faults', { latencyMs: null, banThreshold: null });
  assert.equal(sim.network.faults.latencyMs, null);
});

test('sessions are steered like the phone would: logout, ban, disconnect', async () => {
  await using sim = await server();
  await sim.call('POST', '/senders', { phone: SENDER, autoPair: true });
  await sim.call('POST', `/link/senders/${at(SENDER)}/connect`, {});
  const dropped = await sim.call('POST', `/senders/${at(SENDER)}/disconnect`, { reconnectAfterMs: 100 });
  assert.equal(dropped.body.status, 'disconnected');
  sim.clock.advance(100);
  assert.equal((await sim.call('GET', `/senders/${at(SENDER)}`)).body.status, 'connected');
  assert.equal((await sim.call('POST', `/senders/${at(SENDER)}/logout`)).body.status, 'logged_out');
  assert.equal(
    (await sim.call('POST', `/senders/${at(SENDER)}/ban`, { reason: 'spam reports' })).body.status,
    'banned',
  );
  const { body } = await sim.call('GET', '/senders');
  assert.deepEqual(
    body.senders.map((s: { phone: string; status: string }) => [s.phone, s.status]),
    [[SENDER, 'banned']],
  );
});

test('reply rules answer, inbound messages are injected, and both are recorded', async () => {
  await using sim = await server();
  await sim.call('POST', '/senders', { phone: SENDER, autoPair: true });
  await sim.call('POST', `/link/senders/${at(SENDER)}/connect`, {});
  const added = await sim.call('POST', '/replies', { match: 'stop?', reply: 'STOP', afterMs: [5, 5] });
  assert.equal(added.status, 201);
  assert.equal((await sim.call('GET', '/replies')).body.rules.length, 1);
  await sim.call('POST', `/link/senders/${at(SENDER)}/send`, {
    id: 'm1',
    ref: 'm1',
    to: ALICE,
    type: 'text',
    text: 'Stop?',
  });
  sim.clock.advance(15);
  const injected = await sim.call('POST', `/senders/${at(SENDER)}/inbound`, { from: BOB, text: 'hi' });
  assert.equal(injected.status, 201);
  // The same with the sender in the body, as Kurir's own /simulator/inbound takes it.
  const sent = await sim.call('POST', '/inbound', { from: BOB, to: SENDER, text: 'still there?' });
  assert.equal(sent.status, 201);
  assert.match(sent.body.id, /^SIMIN/);
  assert.equal((await sim.call('POST', '/inbound', { from: BOB, to: ALICE, text: 'x' })).status, 404);
  const { body } = await sim.call('GET', '/records/inbound');
  assert.deepEqual(
    body.inbound.map((r: { from: string; text: string; source: string }) => [r.from, r.text, r.source]),
    [
      [ALICE, 'STOP', 'reply'],
      [BOB, 'hi', 'injected'],
      [BOB, 'still there?', 'injected'],
    ],
  );
  assert.equal((await sim.call('DELETE', '/replies')).status, 204);
  assert.deepEqual((await sim.call('GET', '/replies')).body.rules, []);
});

test('the parts of one message come over the link as such and get one reply', async () => {
  await using sim = await server();
  await sim.call('POST', '/senders', { phone: SENDER, autoPair: true });
  await sim.call('POST', `/link/senders/${at(SENDER)}/connect`, {});
  await sim.call('POST', '/replies', { reply: 'STOP' });
  const text = { id: 'm1', ref: 'm1', partOf: 'm1', to: ALICE, type: 'text', text: 'Hello' };
  const image = {
    ...text,
    id: 'm1-2',
    ref: 'm1-2',
    type: 'image',
    media: { url: 'https://example.com/a.png' },
  };
  assert.equal((await sim.call('POST', `/link/senders/${at(SENDER)}/send`, text)).body.ok, true);
  assert.equal((await sim.call('POST', `/link/senders/${at(SENDER)}/send`, image)).body.ok, true);
  sim.clock.advance(100);
  const { body } = await sim.call('GET', '/records/inbound');
  assert.deepEqual(
    body.inbound.map((r: { from: string; text: string }) => [r.from, r.text]),
    [[ALICE, 'STOP']],
  );
});

test('typing and number checks go through the link and show in the records', async () => {
  await using sim = await server();
  await sim.call('POST', '/senders', { phone: SENDER, autoPair: true });
  await sim.call('POST', `/link/senders/${at(SENDER)}/connect`, {});
  await sim.call('POST', '/numbers/unregister', { phones: [BOB] });
  await sim.call('POST', `/link/senders/${at(SENDER)}/typing`, { to: ALICE, state: 'composing' });
  const checked = await sim.call('POST', `/link/senders/${at(SENDER)}/check-numbers`, {
    phones: [ALICE, BOB],
  });
  assert.deepEqual(checked.body, { results: { [ALICE]: true, [BOB]: false } });
  const presence = await sim.call('GET', '/records/presence');
  assert.deepEqual(
    presence.body.presence.map((p: { to: string; state: string }) => [p.to, p.state]),
    [[ALICE, 'composing']],
  );
});

test('reset empties the network', async () => {
  await using sim = await server();
  await sim.call('POST', '/senders', { phone: SENDER });
  await sim.call('POST', '/replies', { reply: 'hi' });
  assert.equal((await sim.call('POST', '/reset')).status, 204);
  assert.deepEqual((await sim.call('GET', '/senders')).body.senders, []);
  assert.deepEqual((await sim.call('GET', '/replies')).body.rules, []);
});
