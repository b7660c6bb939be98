import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine, phoneOf } from '../support/test-engine.ts';

type T = Awaited<ReturnType<typeof createTestEngine>>;
const completed = (t: T, id: string) => async () =>
  (await t.store.campaigns.find(id))?.status === 'completed';
const bySender = (t: T) => {
  const counts = new Map<string, number>();
  for (const a of t.network.records.attempts()) counts.set(a.sender, (counts.get(a.sender) ?? 0) + 1);
  return counts;
};

test('round robin spreads a campaign evenly over its senders', async () => {
  await using t = await createTestEngine();
  await t.addContacts(30);
  const template = await t.addTemplate(['Hi']);
  const senders = [await t.addSender('a'), await t.addSender('b'), await t.addSender('c')];
  const c = await t.campaign({
    templateId: template.id,
    senderIds: senders.map((s) => s.id),
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id));
  assert.deepEqual([...bySender(t).values()].sort(), [10, 10, 10]);
});

test('sticky keeps each contact on the sender that reached them in an earlier campaign', async () => {
  await using t = await createTestEngine();
  await t.addContacts(12);
  const template = await t.addTemplate(['Hi']);
  const senders = [await t.addSender('a'), await t.addSender('b'), await t.addSender('c')];
  const ids = senders.map((s) => s.id);
  const first = await t.campaign({
    templateId: template.id,
    senderIds: ids,
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, first.id);
  await t.runUntil(completed(t, first.id));
  const firstSender = new Map(t.network.records.attempts().map((a) => [a.to, a.sender]));
  const second = await t.campaign({
    templateId: template.id,
    senderIds: ids,
    senderStrategy: 'sticky',
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
  });
  await t.engine.campaigns.start(t.workspace.id, second.id);
  await t.runUntil(completed(t, second.id));
  const later = t.network.records.attempts().slice(12);
  assert.equal(later.length, 12);
  for (const a of later) assert.equal(a.sender, firstSender.get(a.to), `${a.to} changed sender`);
});

test('least loaded sends first through the sender that sent least', async () => {
  await using t = await createTestEngine();
  await t.addContacts(10);
  const template = await t.addTemplate(['Hi']);
  const busy = await t.addSender('busy');
  const idle = await t.addSender('idle');
  const warmUp = await t.campaign({
    templateId: template.id,
    senderIds: [busy.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, warmUp.id);
  await t.runUntil(completed(t, warmUp.id));
  await t.addContacts(4);
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [busy.id, idle.id],
    senderStrategy: 'least_loaded',
    audience: {
      contactIds: (await t.store.contacts.list(t.workspace.id, {}, { limit: 4 })).items.map((x) => x.id),
    },
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id));
  const later = t.network.records.attempts().slice(10);
  assert.ok(
    later.every((a) => a.sender === String(idle.config.phone)),
    'the idle sender took them all',
  );
});

test('a sender is paused after 10 failed sends in a row, loses health, and its share moves on', async () => {
  await using t = await createTestEngine();
  await t.addContacts(20);
  const template = await t.addTemplate(['Hi']);
  const good = await t.addSender('good');
  const bad = await t.addSender('bad');
  for (let i = 0; i < 9; i++) t.engine.fleet.record(bad.id, 'retryable');
  // A recipient's own problem neither breaks the run nor costs health.
  t.engine.fleet.record(bad.id, 'recipient');
  assert.equal(t.engine.fleet.health(bad.id, t.clock.now()), 55);
  assert.equal((await t.store.senders.find(bad.id))?.pausedReason, null);
  t.engine.fleet.record(bad.id, 'retryable');
  await t.runUntil(async () => (await t.store.senders.find(bad.id))?.pausedReason !== null);
  assert.match((await t.store.senders.find(bad.id))?.pausedReason ?? '', /10 consecutive failed sends/);
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [good.id, bad.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id));
  assert.deepEqual([...bySender(t).keys()], [String(good.config.phone)], 'the paused sender sent nothing');
  // Quiet time restores health, a point a minute.
  t.clock.advance(10 * 60_000);
  assert.equal(t.engine.fleet.health(bad.id, t.clock.now()), 60);
});

test('a sender below the health threshold is not chosen until it recovers', async () => {
  await using t = await createTestEngine();
  const s = await t.addSender('weak');
  for (let i = 0; i < 5; i++) t.engine.fleet.record(s.id, 'rate_limited');
  assert.equal(t.engine.fleet.health(s.id, t.clock.now()), 50);
  t.engine.fleet.record(s.id, 'sent');
  assert.equal(t.engine.fleet.usable(s.id, t.clock.now()), true);
  t.engine.fleet.record(s.id, 'retryable');
  assert.equal(t.engine.fleet.health(s.id, t.clock.now()), 46);
  assert.equal(t.engine.fleet.usable(s.id, t.clock.now()), false);
  t.clock.advance(4 * 60_000);
  assert.equal(t.engine.fleet.usable(s.id, t.clock.now()), true);
});

test('with 3 senders, one logged out and one banned mid-run, the campaign completes exactly once', async () => {
  await using t = await createTestEngine();
  await t.addContacts(60);
  const template = await t.addTemplate(['Hello {{name}}']);
  const [a, b, c] = [await t.addSender('a'), await t.addSender('b'), await t.addSender('c')];
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [a.id, b.id, c.id],
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(() => t.network.records.attempts().length >= 9);
  t.network.logout(String(a.config.phone));
  t.network.ban(String(b.config.phone));
  await t.runUntil(
    () => t.network.records.attempts().filter((x) => x.sender === String(c.config.phone)).length >= 15,
  );
  const banned = await t.store.senders.find(b.id);
  assert.equal(banned?.connection, 'banned');
  assert.match(banned?.pausedReason ?? '', /banned/);
  // The logged-out sender pairs again (auto-pair stands in for the phone) and takes its share.
  const beforeRepair = t.network.records
    .attempts()
    .filter((x) => x.sender === String(a.config.phone) && x.outcome === 'accepted').length;
  await t.engine.sessions.open((await t.store.senders.find(a.id)) ?? a);
  await t.runUntil(completed(t, campaign.id));
  const afterRepair = t.network.records
    .attempts()
    .filter((x) => x.sender === String(a.config.phone) && x.outcome === 'accepted').length;
  assert.ok(afterRepair > beforeRepair, 'the re-paired sender sent again');
  const received = t.network.records.received();
  assert.equal(received.size, 60);
  for (let i = 0; i < 60; i++) {
    const got = received.get(phoneOf(i)) ?? [];
    assert.equal(got.length, 1, `${phoneOf(i)} got ${got.length}`);
    assert.equal(got[0]?.text, `Hello Person ${i}`);
  }
});
