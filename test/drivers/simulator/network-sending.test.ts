import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALICE, BOB, networkFixture, SENDER, text } from './network-fixture.ts';

const receipts = { deliveredAfterMs: [100, 200], readAfterMs: [1000, 2000] } as const;

test('an accepted part reaches the recipient and is delivered, then read, after the set delays', async () => {
  const { network, clock, connected, receipts: seen } = networkFixture({ receipts });
  connected();
  const result = await network.send(SENDER, text('m1', ALICE, 'Hi Alice'));
  assert.deepEqual(result, { ok: true, providerId: 'm1' });
  assert.deepEqual(
    network.records.receivedBy(ALICE).map((m) => [m.messageId, m.from, m.text]),
    [['m1', SENDER, 'Hi Alice']],
  );
  clock.advance(99);
  assert.deepEqual(seen('delivered'), []);
  clock.advance(101);
  assert.deepEqual(seen('delivered'), ['m1']);
  assert.deepEqual(seen('read'), []);
  clock.advance(2000);
  assert.deepEqual(seen('read'), ['m1']);
  assert.equal(clock.pendingTimers, 0);
});

test('with reading switched off only delivery is reported', async () => {
  const {
    network,
    clock,
    connected,
    receipts: seen,
  } = networkFixture({
    receipts: { ...receipts, readAfterMs: null },
  });
  connected();
  await network.send(SENDER, text('m1', ALICE));
  clock.advance(60_000);
  assert.deepEqual(seen('delivered'), ['m1']);
  assert.deepEqual(seen('read'), []);
});

test('a repeated id is accepted again but the recipient holds it once', async () => {
  const { network, clock, connected, receipts: seen } = networkFixture({ receipts });
  connected();
  assert.equal((await network.send(SENDER, text('m1', ALICE))).ok, true);
  assert.equal((await network.send(SENDER, text('m1', ALICE))).ok, true);
  assert.equal((await network.send(SENDER, text('m1', BOB))).ok, true, 'same id, other chat');
  assert.deepEqual(
    network.records.receivedBy(ALICE).map((m) => m.messageId),
    ['m1'],
  );
  assert.equal(network.records.receivedBy(BOB).length, 1);
  assert.deepEqual(
    network.records.attempts().map((a) => [a.outcome, a.delivered]),
    [
      ['accepted', true],
      ['accepted', false],
      ['accepted', true],
    ],
  );
  const counts = network.records.counts();
  assert.equal(counts.duplicates, 1);
  assert.equal(counts.received, 2);
  clock.advance(300);
  assert.deepEqual(seen('delivered'), ['m1', 'm1', 'm1'], 'the repeat is acknowledged too');
});

test('without dedup a repeated id arrives again', async () => {
  const { network, connected } = networkFixture({ dedup: false });
  connected();
  await network.send(SENDER, text('m1', ALICE));
  await network.send(SENDER, text('m1', ALICE));
  assert.deepEqual(
    network.records.receivedBy(ALICE).map((m) => m.messageId),
    ['m1', 'm1'],
  );
});

test('a part without an id gets one from the network, so each send is a new message', async () => {
  const { network, connected } = networkFixture();
  connected();
  const part = { ref: 'k1', to: ALICE, type: 'text' as const, text: 'hi' };
  const first = await network.send(SENDER, part);
  const second = await network.send(SENDER, part);
  assert.ok(first.ok && second.ok && first.providerId !== second.providerId);
  assert.deepEqual(
    network.records.receivedBy(ALICE).map((m) => m.ref),
    ['k1', 'k1'],
  );
});

test('unregistered and blocked recipients are refused with their own kinds and receive nothing', async () => {
  const { network, connected } = networkFixture();
  connected();
  network.numbers.unregister([ALICE]);
  network.numbers.invalidate([BOB]);
  const toAlice = await network.send(SENDER, text('m1', ALICE));
  const toBob = await network.send(SENDER, text('m2', BOB));
  const malformed = await network.send(SENDER, text('m3', '0151'));
  assert.equal(toAlice.ok ? null : toAlice.error.kind, 'not_on_whatsapp');
  assert.equal(toBob.ok ? null : toBob.error.kind, 'invalid_recipient');
  assert.equal(malformed.ok ? null : malformed.error.kind, 'invalid_recipient');
  assert.equal(network.records.counts().received, 0);
  assert.deepEqual(network.records.counts().refusedBy, { not_on_whatsapp: 1, invalid_recipient: 2 });
  network.numbers.register([ALICE]);
  assert.equal((await network.send(SENDER, text('m4', ALICE))).ok, true);
});

test('media parts keep type, caption and URL; a media part without media is refused', async () => {
  const { network, connected } = networkFixture();
  connected();
  const media = { url: 'https://example.test/cat.jpg', mimeType: 'image/jpeg' };
  await network.send(SENDER, { id: 'p1', ref: 'p1', to: ALICE, type: 'image', text: 'a cat', media });
  const missing = await network.send(SENDER, { id: 'p2', ref: 'p2', to: ALICE, type: 'video' });
  assert.deepEqual(
    network.records.receivedBy(ALICE).map((m) => [m.type, m.text, m.mediaUrl]),
    [['image', 'a cat', media.url]],
  );
  assert.deepEqual(missing.ok ? null : [missing.error.kind, missing.error.code], [
    'permanent',
    'missing_media',
  ]);
});

test('typing is recorded as presence while connected', async () => {
  const { network, connected } = networkFixture();
  network.setTyping(SENDER, ALICE, 'composing');
  connected();
  network.setTyping(SENDER, ALICE, 'composing');
  network.setTyping(SENDER, ALICE, 'paused');
  assert.deepEqual(
    network.records.presence(SENDER).map((p) => [p.to, p.state]),
    [
      [ALICE, 'composing'],
      [ALICE, 'paused'],
    ],
  );
});

test('numbers are checked only while connected', () => {
  const { network, connected } = networkFixture();
  network.numbers.unregister([BOB]);
  assert.equal(network.checkNumbers(SENDER, [ALICE]).size, 0);
  connected();
  assert.deepEqual(
    [...network.checkNumbers(SENDER, [ALICE, BOB, 'nonsense'])],
    [
      [ALICE, true],
      [BOB, false],
      ['nonsense', false],
    ],
  );
});

test('reset forgets senders, records and pending receipts', async () => {
  const { network, clock, connected } = networkFixture();
  connected();
  await network.send(SENDER, text('m1', ALICE));
  network.reset();
  assert.equal(clock.pendingTimers, 0);
  assert.deepEqual(network.records.counts().attempts, 0);
  assert.equal(network.senderState(SENDER), null);
});
