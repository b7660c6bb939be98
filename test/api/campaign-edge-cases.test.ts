import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

/** Contacts tagged `news`, a template and a connected simulator sender. */
async function setup(t: TestApp, contacts = 3) {
  for (let i = 0; i < contacts; i++) {
    await call(t, 'POST', '/v1/contacts', {
      phone: `+4915112345${600 + i}`,
      name: `Ana ${i}`,
      tags: ['news'],
    });
  }
  const template = (
    await call(t, 'POST', '/v1/templates', { name: 'T', variants: ['Hi {{firstName}}'] })
  ).json();
  const sender = (
    await call(t, 'POST', '/v1/senders', {
      name: 'Sim',
      driver: 'simulator',
      config: { phone: '+15550100001', autoPair: true },
    })
  ).json();
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/senders/${sender.id}`)).json().status === 'connected',
  );
  const create = async (extra: Record<string, unknown> = {}) =>
    (
      await call(t, 'POST', '/v1/campaigns', {
        name: 'C',
        templateId: template.id,
        senderIds: [sender.id],
        audience: { tags: ['news'] },
        pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
        ...extra,
      })
    ).json();
  return { template, sender, create };
}

const campaign = async (t: TestApp, id: string) => (await call(t, 'GET', `/v1/campaigns/${id}`)).json();

test('starting a campaign whose audience selects nobody is refused, and it stays a draft', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t);
  const c = await create({ audience: { tags: ['nobody'] } });
  const res = await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().code, 'campaign.audience_empty');
  assert.equal(res.json().errors[0].pointer, '/audience');
  assert.equal((await campaign(t, c.id)).status, 'draft');
  assert.ok(!t.events.some((e) => e.campaignId === c.id && e.type === 'campaign.started'));
});

test('a campaign to suppressed contacts only is not empty: it completes with them skipped', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t, 2);
  for (const phone of ['+4915112345600', '+4915112345601'])
    await call(t, 'POST', '/v1/suppressions', { phone, reason: 'opt_out' });
  const c = await create();
  const res = await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  assert.equal(res.statusCode, 200, res.body);
  await t.runUntil(async () => (await campaign(t, c.id)).status === 'completed');
  const done = await campaign(t, c.id);
  assert.equal(done.counts.total, 2);
  assert.equal(done.counts.skipped, 2);
  assert.deepEqual(t.network.records.attempts(), []);
});

test('a scheduled campaign whose audience is empty at its start time fails and says why', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t, 0);
  const c = await create({ startAt: new Date(t.clock.now() + 60_000).toISOString() });
  assert.equal((await call(t, 'POST', `/v1/campaigns/${c.id}/start`)).json().status, 'scheduled');
  await t.runUntil(async () => (await campaign(t, c.id)).status !== 'scheduled', { stepMs: 1000 });
  const failed = await campaign(t, c.id);
  assert.equal(failed.status, 'failed');
  assert.match(failed.error, /audience selects no contacts/);
  const event = t.events.find((e) => e.campaignId === c.id && e.type === 'campaign.failed');
  assert.equal(event?.data.code, 'campaign.audience_empty');
});

test('a campaign started while its every sender is paused pauses at once for no_sender, and resumes with one', async () => {
  await using t = await createTestApp();
  const { sender, create } = await setup(t, 2);
  await call(t, 'POST', `/v1/senders/${sender.id}/pause`);
  const c = await create();
  const started = await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  assert.equal(started.statusCode, 200, started.body);
  assert.equal(started.json().status, 'paused');
  assert.equal(started.json().pauseReason, 'no_sender');
  const pausedEvent = t.events.find((e) => e.campaignId === c.id && e.type === 'campaign.paused');
  assert.deepEqual(pausedEvent?.data, { reason: 'no_sender' });

  await call(t, 'POST', `/v1/senders/${sender.id}/resume`);
  await t.runUntil(async () => (await campaign(t, c.id)).status === 'completed');
  assert.equal(t.network.records.received().size, 2);
  const resumed = t.events.find((e) => e.campaignId === c.id && e.type === 'campaign.resumed');
  assert.deepEqual(resumed?.data, { reason: 'sender_back' });
});

test('a campaign started while its sender is logged out pauses for no_sender', async () => {
  await using t = await createTestApp();
  const { sender, create } = await setup(t, 1);
  await call(t, 'POST', `/v1/senders/${sender.id}/logout`);
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/senders/${sender.id}`)).json().status === 'logged_out',
  );
  const c = await create();
  const started = (await call(t, 'POST', `/v1/campaigns/${c.id}/start`)).json();
  assert.equal(started.status, 'paused');
  assert.equal(started.pauseReason, 'no_sender');
});

test('a scheduled campaign given startAt null is a draft again and does not start at its old time', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t);
  const startAt = new Date(t.clock.now() + 3_600_000).toISOString();
  const c = await create({ startAt });
  assert.equal((await call(t, 'POST', `/v1/campaigns/${c.id}/start`)).json().status, 'scheduled');

  const patched = await call(t, 'PATCH', `/v1/campaigns/${c.id}`, { startAt: null });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().status, 'draft');
  assert.equal(patched.json().startAt, null);
  assert.ok(t.events.some((e) => e.campaignId === c.id && e.type === 'campaign.unscheduled'));
  t.clock.advance(2 * 3_600_000);
  await t.runUntil(() => true);
  assert.equal((await campaign(t, c.id)).status, 'draft');
  assert.deepEqual(t.network.records.attempts(), [], 'nothing was sent');

  // A draft again, it starts when asked.
  assert.equal((await call(t, 'POST', `/v1/campaigns/${c.id}/start`)).json().status, 'running');
});

test('stopping a campaign cancels what it had not sent, apart from the skipped, in counts, lists and export', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t, 5);
  await call(t, 'POST', '/v1/suppressions', { phone: '+4915112345604', reason: 'opt_out' });
  const c = await create({ pacing: { preset: 'manual', minSeconds: 10, maxSeconds: 10 } });
  await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  await t.runUntil(() => t.network.records.attempts().length === 2, { stepMs: 500 });
  const stopped = await call(t, 'POST', `/v1/campaigns/${c.id}/stop`);
  assert.equal(stopped.statusCode, 200, stopped.body);
  const { counts } = stopped.json();
  assert.equal(counts.total, 5);
  assert.equal(counts.sent, 2);
  assert.equal(counts.skipped, 1, 'the suppressed contact only');
  assert.equal(counts.cancelled, 2);
  assert.equal(counts.queued, 0);

  const listed = await call(t, 'GET', `/v1/campaigns/${c.id}/messages?state=cancelled`);
  assert.equal(listed.statusCode, 200, listed.body);
  assert.deepEqual(
    listed.json().data.map((m: { state: string; reason: string }) => `${m.state} ${m.reason}`),
    ['cancelled campaign_stopped', 'cancelled campaign_stopped'],
  );
  const csv = (await call(t, 'GET', `/v1/campaigns/${c.id}/export`)).body;
  assert.equal(csv.match(/,cancelled,campaign_stopped,/g)?.length, 2, csv);
  assert.equal(csv.match(/,skipped,suppressed,/g)?.length, 1, csv);
  const event = t.events.find((e) => e.campaignId === c.id && e.type === 'campaign.stopped');
  assert.equal(event?.data.cancelled, 2);
});

test('a campaign outside its window says when it opens, in its JSON and its progress events, and the ETA counts the wait', async () => {
  await using t = await createTestApp();
  const { create } = await setup(t, 3);
  // The test clock starts on Monday 2026-01-05 at 09:00 UTC; the window opens at 10:00.
  const window = { days: [1, 2, 3, 4, 5], from: '10:00', to: '17:00', timezone: 'UTC' };
  const c = await create({ window, pacing: { preset: 'manual', minSeconds: 60, maxSeconds: 60 } });
  assert.equal((await campaign(t, c.id)).windowOpensAt, null, 'a draft is not waiting for anything');
  await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  await t.runUntil(() => t.events.some((e) => e.campaignId === c.id && e.type === 'campaign.progress'));

  const waiting = await campaign(t, c.id);
  assert.equal(waiting.status, 'running');
  assert.equal(waiting.windowOpensAt, '2026-01-05T10:00:00.000Z');
  // One hour of waiting, then three sends a minute apart at the planned rate.
  const wait = (Date.parse('2026-01-05T10:00:00.000Z') - t.clock.now()) / 1000;
  assert.equal(waiting.progress.etaSeconds, Math.round(wait + 180));
  const progress = t.events.find((e) => e.campaignId === c.id && e.type === 'campaign.progress');
  assert.equal(progress?.data.windowOpensAt, '2026-01-05T10:00:00.000Z');
  assert.deepEqual(t.network.records.attempts(), []);

  await t.runUntil(() => t.network.records.attempts().length === 1, { stepMs: 60_000 });
  assert.equal((await campaign(t, c.id)).windowOpensAt, null, 'inside the window');
});
