import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DriverEvent } from '../../../src/drivers/driver.ts';
import { SimulatorError } from '../../../src/drivers/simulator/simulator-error.ts';
import { ALICE, BOB, networkFixture, SENDER, text } from './network-fixture.ts';

const inbound = (events: DriverEvent[]) =>
  events.flatMap((e) =>
    e.type === 'inbound' ? [{ from: e.from, text: e.text, inReplyTo: e.inReplyTo }] : [],
  );

test('a recipient answers STOP after delivery and the reply is recorded', async () => {
  const { network, clock, connected, events } = networkFixture({
    receipts: { deliveredAfterMs: [100, 100], readAfterMs: null },
  });
  connected();
  network.addReplyRule({ reply: 'STOP', afterMs: 1000 });
  await network.send(SENDER, text('m1', ALICE));
  clock.advance(1099);
  assert.deepEqual(inbound(events), []);
  clock.advance(1);
  assert.deepEqual(inbound(events), [{ from: ALICE, text: 'STOP', inReplyTo: 'm1' }]);
  assert.deepEqual(
    network.records.inbound().map((r) => [r.from, r.to, r.text, r.source]),
    [[ALICE, SENDER, 'STOP', 'reply']],
  );
});

test('rules match exact text or a pattern, per recipient, first match wins', async () => {
  const { network, clock, connected, events } = networkFixture();
  connected();
  network.addReplyRule({ match: 'ping', reply: 'pong' });
  network.addReplyRule({ pattern: '^order #\\d+', reply: 'thanks' });
  network.addReplyRule({ recipients: [BOB], reply: 'who is this?' });
  await network.send(SENDER, text('m1', ALICE, '  PING '));
  await network.send(SENDER, text('m2', ALICE, 'Order #42 shipped'));
  await network.send(SENDER, text('m3', ALICE, 'nothing to say'));
  await network.send(SENDER, text('m4', BOB, 'ping'));
  await network.send(SENDER, text('m5', BOB, 'hello'));
  clock.advance(60_000);
  assert.deepEqual(
    inbound(events)
      .map((i) => `${i.inReplyTo}:${i.text}`)
      .sort(),
    ['m1:pong', 'm2:thanks', 'm4:pong', 'm5:who is this?'],
  );
});

test('a repeated message does not get a second reply', async () => {
  const { network, clock, connected, events } = networkFixture();
  connected();
  network.addReplyRule({ reply: 'STOP' });
  await network.send(SENDER, text('m1', ALICE));
  await network.send(SENDER, text('m1', ALICE));
  clock.advance(60_000);
  assert.equal(inbound(events).length, 1);
});

test('a message sent in parts gets one reply, to the first part delivered that a rule matches', async () => {
  const { network, clock, connected, events } = networkFixture({
    receipts: { deliveredAfterMs: [100, 100] },
  });
  connected();
  network.addReplyRule({ pattern: 'menu', reply: 'thanks' });
  network.addReplyRule({ reply: 'STOP' });
  const image = (ref: string, to: string, caption: string, partOf: string) => ({
    id: ref,
    ref,
    partOf,
    to,
    type: 'image' as const,
    text: caption,
    media: { url: 'https://example.com/menu.png' },
  });
  await network.send(SENDER, { ...text('m1', ALICE, 'Hello'), partOf: 'm1' });
  await network.send(SENDER, image('m1-2', ALICE, 'Our menu', 'm1'));
  await network.send(SENDER, image('m1-3', ALICE, 'The menu again', 'm1'));
  await network.send(SENDER, image('m2', BOB, 'Our menu', 'm2'));
  await network.send(SENDER, { ...text('m2-2', BOB, 'Hello'), partOf: 'm2' });
  clock.advance(60_000);
  assert.deepEqual(
    inbound(events)
      .map((i) => `${i.from === ALICE ? 'alice' : 'bob'}:${i.inReplyTo}:${i.text}`)
      .sort(),
    ['alice:m1:STOP', 'bob:m2:thanks'],
  );
});

test('a reply with a probability answers about that share of messages', async () => {
  const { network, clock, connected, events } = networkFixture();
  connected();
  network.addReplyRule({ reply: 'STOP', probability: 0.1 });
  for (let i = 0; i < 1000; i++)
    await network.send(SENDER, text(`m${i}`, `+49152${String(i).padStart(8, '0')}`));
  clock.advance(60_000);
  const replies = inbound(events).length;
  assert.ok(replies > 60 && replies < 140, `${replies} replies`);
});

test('an injected inbound message reaches the sender', () => {
  const { network, connected, events } = networkFixture();
  connected();
  const id = network.receive(ALICE, SENDER, 'Do you ship to Berlin?');
  assert.deepEqual(events.at(-1), {
    type: 'inbound',
    id,
    from: ALICE,
    text: 'Do you ship to Berlin?',
    at: 1767603600000,
  });
  assert.throws(() => network.receive(ALICE, '+4915999999999', 'x'), SimulatorError);
});

test('a rule with a broken pattern is refused', () => {
  const { network } = networkFixture();
  assert.throws(
    () => network.addReplyRule({ pattern: '(', reply: 'x' }),
    (e: SimulatorError) => e.code === 'simulator.invalid_request',
  );
  assert.deepEqual(network.replies.list(), []);
});
