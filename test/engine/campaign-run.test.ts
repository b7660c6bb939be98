import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine, phoneOf, settle } from '../support/test-engine.ts';

test('a campaign reaches every contact once with the text rendered for them, then completes', async () => {
  await using t = await createTestEngine();
  await t.addContacts(12, (i) => ({ name: `Ana ${i}` }));
  const template = await t.addTemplate(['{Hi|Hello} {{firstName}}!']);
  const s1 = await t.addSender('one');
  const s2 = await t.addSender('two');
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id, s2.id],
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 2 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(async () => (await t.store.campaigns.find(campaign.id))?.status === 'completed', {
    stepMs: 250,
  });

  const received = t.network.records.received();
  assert.equal(received.size, 12);
  for (let i = 0; i < 12; i++) {
    const got = received.get(phoneOf(i)) ?? [];
    assert.equal(got.length, 1, `contact ${i} got ${got.length}`);
    assert.match(got[0]?.text ?? '', /^(Hi|Hello) Ana!$/);
  }
  const done = await t.store.campaigns.find(campaign.id);
  assert.equal(done?.counts.queued, 0);
  assert.equal(done?.counts.sending, 0);
  assert.equal((done?.counts.sent ?? 0) + (done?.counts.delivered ?? 0) + (done?.counts.read ?? 0), 12);
  const bySender = new Set(t.network.records.attempts().map((a) => a.sender));
  assert.equal(bySender.size, 2, 'both senders sent');
  assert.ok(t.events.some((e) => e.type === 'campaign.completed' && e.campaignId === campaign.id));
});

test('each sender keeps its own gap, and gaps stay inside the pacing range', async () => {
  await using t = await createTestEngine();
  await t.addContacts(20);
  const template = await t.addTemplate(['Hello']);
  const s1 = await t.addSender('one');
  const s2 = await t.addSender('two');
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id, s2.id],
    pacing: { preset: 'manual', minSeconds: 5, maxSeconds: 10 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(async () => (await t.store.campaigns.find(campaign.id))?.status === 'completed', {
    stepMs: 100,
  });
  for (const sender of [s1, s2]) {
    const times = t.network.records.attempts(String(sender.config.phone)).map((a) => a.at);
    assert.ok(times.length >= 8, `sender sent ${times.length}`);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      assert.ok(gap >= 5000 && gap <= 10_100, `gap ${gap} ms`);
    }
  }
});

test('pause takes effect before the next send and resume continues where it stopped', async () => {
  await using t = await createTestEngine();
  await t.addContacts(10);
  const template = await t.addTemplate(['Hello {{name}}']);
  const s1 = await t.addSender('one');
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id],
    pacing: { preset: 'manual', minSeconds: 2, maxSeconds: 2 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(() => t.network.records.attempts().length >= 3, { stepMs: 100 });
  const paused = await t.engine.campaigns.pause(t.workspace.id, campaign.id);
  assert.equal(paused.status, 'paused');
  const sentAtPause = t.network.records.attempts().length;
  t.clock.advance(60_000);
  await settle(20);
  assert.equal(t.network.records.attempts().length, sentAtPause, 'nothing is sent while paused');
  await t.engine.campaigns.resume(t.workspace.id, campaign.id);
  await t.runUntil(async () => (await t.store.campaigns.find(campaign.id))?.status === 'completed', {
    stepMs: 100,
  });
  const received = t.network.records.received();
  assert.equal(received.size, 10);
  for (const list of received.values()) assert.equal(list.length, 1);
  assert.equal(t.network.records.attempts().length, 10, 'no message was sent twice around the pause');
});

test('stop cancels the rest with the reason, in one event with the final counts', async () => {
  await using t = await createTestEngine();
  await t.addContacts(10);
  const template = await t.addTemplate(['Hello']);
  const s1 = await t.addSender('one');
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id],
    pacing: { preset: 'manual', minSeconds: 2, maxSeconds: 2 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(() => t.network.records.attempts().length >= 4, { stepMs: 100 });
  const stopped = await t.engine.campaigns.stop(t.workspace.id, campaign.id);
  assert.equal(stopped.status, 'stopped');
  const sent = t.network.records.attempts().length;
  t.clock.advance(60_000);
  await settle(20);
  assert.equal(t.network.records.attempts().length, sent);
  const rows = await t.store.messages.list(
    t.workspace.id,
    { campaignId: campaign.id, state: ['cancelled'] },
    { limit: 100 },
  );
  assert.equal(rows.items.length, 10 - sent);
  assert.ok(rows.items.every((m) => m.reason === 'campaign_stopped'));
  assert.equal(stopped.counts.cancelled, 10 - sent);
  assert.equal(stopped.counts.skipped, 0, 'nothing the recipients did');
  const events = t.events.filter((e) => e.campaignId === campaign.id);
  assert.equal(
    events.filter((e) => e.type.startsWith('message.') && e.data.reason === 'campaign_stopped').length,
    0,
  );
  const stopEvent = events.find((e) => e.type === 'campaign.stopped');
  assert.deepEqual(stopEvent?.data, { cancelled: 10 - sent, counts: stopped.counts });
});

test('suppressed and unregistered recipients become skipped rows with their reason', async () => {
  await using t = await createTestEngine();
  await t.addContacts(6);
  await t.store.suppressions.add({
    id: t.ids('sup'),
    workspaceId: t.workspace.id,
    phone: phoneOf(1),
    reason: 'opt_out',
    note: null,
    createdAt: t.clock.now(),
  });
  t.network.numbers.unregister([phoneOf(2)]);
  const template = await t.addTemplate(['Hello']);
  const s1 = await t.addSender('one');
  const campaign = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, campaign.id);
  await t.runUntil(async () => (await t.store.campaigns.find(campaign.id))?.status === 'completed');
  const rows = (await t.store.messages.list(t.workspace.id, { campaignId: campaign.id }, { limit: 100 }))
    .items;
  const byPhone = new Map(rows.map((m) => [m.phone, m]));
  assert.equal(byPhone.get(phoneOf(1))?.reason, 'suppressed');
  assert.equal(byPhone.get(phoneOf(2))?.reason, 'not_on_whatsapp');
  assert.equal(t.network.records.received().size, 4);
});

test('a STOP reply suppresses the contact before the next campaign reaches them', async () => {
  await using t = await createTestEngine();
  await t.addContacts(3);
  t.network.addReplyRule({ match: 'Hello', reply: 'STOP', afterMs: 50 });
  const template = await t.addTemplate(['Hello']);
  const s1 = await t.addSender('one');
  const first = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, first.id);
  await t.runUntil(
    async () => (await t.store.suppressions.list(t.workspace.id, {}, { limit: 10 })).items.length === 3,
  );
  assert.ok(t.events.some((e) => e.type === 'contact.opted_out'));
  const second = await t.campaign({
    templateId: template.id,
    senderIds: [s1.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, second.id);
  await t.runUntil(async () => (await t.store.campaigns.find(second.id))?.status === 'completed');
  assert.equal((await t.store.campaigns.find(second.id))?.counts.skipped, 3);
  assert.equal(t.network.records.attempts().length, 3, 'the second campaign sent nothing');
});

test('only a whole opt-out word suppresses: "Cancel" about an order does not, "¡BAJA!" does', async () => {
  await using t = await createTestEngine();
  const sender = await t.addSender('one');
  const phone = sender.config.phone as string;
  const replies = {
    '+4915100000011': 'Cancel',
    '+4915100000012': 'END',
    '+4915100000013': 'I want to stop by tomorrow',
    '+4915100000014': '¡BAJA!',
    '+4915100000015': 'Stop 🙏',
  };
  for (const [from, text] of Object.entries(replies)) t.network.receive(from, phone, text);
  // The network forgets an event once the engine acknowledged it, i.e. stored its effect.
  await t.runUntil(() => t.network.senderState(phone)?.pendingEvents === 0);
  assert.equal(t.events.filter((e) => e.type === 'inbound.message').length, 5);
  const optedOut = t.events.flatMap((e) => (e.type === 'contact.opted_out' ? [e.data.phone] : []));
  assert.deepEqual(optedOut.sort(), ['+4915100000014', '+4915100000015']);
  const suppressed = (await t.store.suppressions.list(t.workspace.id, {}, { limit: 10 })).items;
  assert.deepEqual(suppressed.map((s) => s.phone).sort(), ['+4915100000014', '+4915100000015']);
});
