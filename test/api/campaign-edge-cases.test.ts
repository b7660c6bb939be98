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
