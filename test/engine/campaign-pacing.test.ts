import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { isInWindow } from '../../src/domain/pacing/send-window.ts';
import { createTestEngine } from '../support/test-engine.ts';

const completed = (t: Awaited<ReturnType<typeof createTestEngine>>, id: string) => async () =>
  (await t.store.campaigns.find(id))?.status === 'completed';

test('batch pauses: every N messages a sender waits the longer pause', async () => {
  await using t = await createTestEngine();
  await t.addContacts(25);
  const template = await t.addTemplate(['Hi']);
  const s = await t.addSender('one');
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [s.id],
    pacing: {
      preset: 'manual',
      minSeconds: 1,
      maxSeconds: 2,
      batch: { every: 10, minSeconds: 20, maxSeconds: 40 },
    },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id), { stepMs: 100 });
  const times = t.network.records.attempts().map((a) => a.at);
  assert.equal(times.length, 25);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    if (i % 10 === 0)
      assert.ok(gap >= 20_000 && gap <= 40_100, `gap after message ${i}: ${gap} (batch pause)`);
    else assert.ok(gap >= 1000 && gap <= 2100, `gap after message ${i}: ${gap}`);
  }
});

test('sender quotas are never exceeded in any sliding minute or hour', async () => {
  await using t = await createTestEngine();
  await t.addContacts(40);
  const template = await t.addTemplate(['Hi']);
  const s = await t.addSender('one', {}, { perMinute: 5, perHour: 30 });
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [s.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id), { stepMs: 1000, maxMs: 3 * 3_600_000 });
  const times = t.network.records.attempts().map((a) => a.at);
  assert.equal(times.length, 40);
  for (const [limit, span] of [
    [5, 60_000],
    [30, 3_600_000],
  ] as const) {
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter(
        (x) => x >= (times[i] as number) && x < (times[i] as number) + span,
      ).length;
      assert.ok(inWindow <= limit, `${inWindow} sends within ${span} ms of send ${i}`);
    }
  }
  assert.ok((times.at(-1) as number) - (times[0] as number) >= 3_600_000, 'the hourly quota made it wait');
});

test('nothing is sent outside the campaign window, across the Berlin DST change', async () => {
  await using t = await createTestEngine();
  // Friday 27 March 2026, 16:58 in Berlin; clocks jump forward on Sunday the 29th.
  t.clock.set(DateTime.fromISO('2026-03-27T16:58', { zone: 'Europe/Berlin' }).toMillis());
  await t.addContacts(12);
  const template = await t.addTemplate(['Hi']);
  const s = await t.addSender('one');
  const window = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', timezone: 'Europe/Berlin' };
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [s.id],
    pacing: { preset: 'manual', minSeconds: 20, maxSeconds: 20 },
    window,
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id), { stepMs: 5000, maxMs: 5 * 86_400_000 });
  const times = t.network.records.attempts().map((a) => a.at);
  assert.equal(times.length, 12);
  for (const at of times)
    assert.ok(isInWindow(window, at), DateTime.fromMillis(at, { zone: 'Europe/Berlin' }).toISO() ?? '');
  const monday = times.filter((at) => DateTime.fromMillis(at, { zone: 'Europe/Berlin' }).weekday === 1);
  assert.ok(monday.length >= 6, 'the rest went out on Monday after the change');
  assert.equal(
    DateTime.fromMillis(monday[0] as number, { zone: 'Europe/Berlin' }).toFormat('HH:mm'),
    '09:00',
  );
});

test('typing is shown before each message for a time that grows with its length', async () => {
  await using t = await createTestEngine();
  await t.addContacts(3);
  const template = await t.addTemplate([
    'A long message, long enough that typing it takes a few seconds for anyone.',
  ]);
  const s = await t.addSender('one');
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [s.id],
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1, typing: true },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id), { stepMs: 100 });
  const presence = t.network.records.presence().filter((p) => p.state === 'composing');
  const attempts = t.network.records.attempts();
  assert.equal(presence.length, 3);
  for (const [i, p] of presence.entries()) {
    const sent = attempts.find((a) => a.to === p.to);
    const typed = (sent?.at ?? 0) - p.at;
    assert.ok(typed >= 1000 && typed <= 3100, `typed for ${typed} ms before message ${i}`);
  }
});

test('retryable failures are retried with backoff and give up after the attempts', async () => {
  await using t = await createTestEngine({ network: { faults: { failureRate: 1 } } });
  await t.addContacts(1);
  const template = await t.addTemplate(['Hi']);
  const s = await t.addSender('one');
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [s.id],
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(completed(t, c.id), { stepMs: 100 });
  const times = t.network.records.attempts().map((a) => a.at);
  assert.equal(times.length, 3, 'three attempts');
  const first = (times[1] as number) - (times[0] as number);
  const second = (times[2] as number) - (times[1] as number);
  assert.ok(first >= 1600 && first <= 2500, `first backoff ${first}`);
  assert.ok(second >= 3200 && second <= 4900, `second backoff ${second}`);
  const [row] = (await t.store.messages.list(t.workspace.id, { campaignId: c.id }, { limit: 1 })).items;
  assert.equal(row?.state, 'failed');
  assert.equal(row?.reason, 'retryable');
  assert.match(row?.detail ?? '', /gave up after 3 attempts/);
});

test("a logged-out sender's share moves to the others; a campaign with none left pauses and resumes", async () => {
  await using t = await createTestEngine();
  await t.addContacts(20);
  const template = await t.addTemplate(['Hi']);
  const a = await t.addSender('a');
  const b = await t.addSender('b');
  const c = await t.campaign({
    templateId: template.id,
    senderIds: [a.id, b.id],
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
  });
  await t.engine.campaigns.start(t.workspace.id, c.id);
  await t.runUntil(() => t.network.records.attempts().length >= 4);
  t.network.logout(String(a.config.phone));
  await t.runUntil(() => t.network.records.attempts().length >= 10);
  assert.equal((await t.store.campaigns.find(c.id))?.status, 'running', 'b carries on');
  t.network.logout(String(b.config.phone));
  await t.runUntil(async () => (await t.store.campaigns.find(c.id))?.status === 'paused');
  const paused = await t.store.campaigns.find(c.id);
  assert.equal(paused?.pauseReason, 'no_sender');
  const sentWhilePaused = t.network.records.attempts().filter((x) => x.outcome === 'accepted').length;
  // Re-pairing: the driver connects again and (auto-pair, standing in for the phone) pairs.
  await t.engine.sessions.open((await t.store.senders.find(b.id)) ?? b);
  await t.runUntil(completed(t, c.id), { stepMs: 200 });
  assert.ok(t.network.records.attempts().filter((x) => x.outcome === 'accepted').length > sentWhilePaused);
  const received = t.network.records.received();
  assert.equal(received.size, 20);
  for (const list of received.values()) assert.equal(list.length, 1);
  assert.ok(t.events.some((e) => e.type === 'campaign.resumed' && e.data.reason === 'sender_back'));
});
