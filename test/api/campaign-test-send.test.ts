import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphStandIn } from '../drivers/cloud-api/graph-stand-in.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

/** A template, a connected simulator sender (with `quotas`) and a draft campaign on them. */
async function draft(t: TestApp, quotas: Record<string, number> = {}) {
  const template = (
    await call(t, 'POST', '/v1/templates', { name: 'T', variants: ['Hi {{firstName}}'] })
  ).json();
  const sender = (
    await call(t, 'POST', '/v1/senders', {
      name: 'Sim',
      driver: 'simulator',
      config: { phone: '+15550100001', autoPair: true },
      quotas,
    })
  ).json();
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/senders/${sender.id}`)).json().status === 'connected',
  );
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'C',
      templateId: template.id,
      senderIds: [sender.id],
      pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
    })
  ).json();
  return { template, sender, campaign };
}

/** Every message row to `phone` in the workspace, test sends included. */
async function rowsTo(t: TestApp, phone: string) {
  return (await t.store.messages.list(t.workspace.id, { phone }, { limit: 100 })).items;
}

test('a test send to a suppressed number is refused before anything is written or sent', async () => {
  await using t = await createTestApp();
  const { campaign } = await draft(t);
  const added = await call(t, 'POST', '/v1/suppressions', { phone: '+4915199999999', reason: 'opt_out' });
  assert.equal(added.statusCode, 201, added.body);

  const res = await call(t, 'POST', `/v1/campaigns/${campaign.id}/test`, { phone: '0151 99999999' });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().code, 'message.suppressed');
  assert.deepEqual(
    res.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/phone'],
  );
  assert.deepEqual(t.network.records.attempts(), [], 'nothing reached the network');
  assert.deepEqual(await rowsTo(t, '+4915199999999'), [], 'no message row was written');
});

test('a test send to a number without WhatsApp is refused by the same number check as campaigns', async () => {
  await using t = await createTestApp();
  const { campaign } = await draft(t);
  t.network.numbers.unregister(['+4915188888888']);

  const res = await call(t, 'POST', `/v1/campaigns/${campaign.id}/test`, { phone: '+4915188888888' });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().code, 'message.not_on_whatsapp');
  assert.deepEqual(t.network.records.attempts(), []);
  assert.deepEqual(await rowsTo(t, '+4915188888888'), []);
  // The answer is remembered as a campaign's pre-checks remember it.
  const known = await t.store.numberChecks.known(t.workspace.id, ['+4915188888888'], 0);
  assert.equal(known.get('+4915188888888'), false);
});

test('test sends count against the sender’s quota, and over it the answer is 429 with Retry-After', async () => {
  await using t = await createTestApp();
  const { template, sender } = await draft(t, { perMinute: 3 });
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345600', name: 'Ana', tags: ['first'] });
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345601', name: 'Bo', tags: ['second'] });
  const campaignFor = async (tag: string) =>
    (
      await call(t, 'POST', '/v1/campaigns', {
        name: tag,
        templateId: template.id,
        senderIds: [sender.id],
        audience: { tags: [tag] },
        pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
      })
    ).json();
  // A first campaign has the dispatcher pacing this sender: one send of its three a minute.
  const first = await campaignFor('first');
  const firstSendAt = t.clock.now();
  await call(t, 'POST', `/v1/campaigns/${first.id}/start`);
  await t.runUntil(() => t.network.records.attempts().length === 1, { stepMs: 10 });

  for (const phone of ['+4915177777771', '+4915177777772']) {
    const ok = await call(t, 'POST', `/v1/campaigns/${first.id}/test`, { phone });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().state, 'sent');
  }
  const over = await call(t, 'POST', `/v1/campaigns/${first.id}/test`, { phone: '+4915177777773' });
  assert.equal(over.statusCode, 429, over.body);
  assert.equal(over.json().code, 'sender.quota_exceeded');
  const retryAfter = Number(over.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${over.headers['retry-after']}`);
  assert.deepEqual(await rowsTo(t, '+4915177777773'), []);

  // The dispatcher counts the test sends too: the next campaign send waits for the quota.
  const second = await campaignFor('second');
  await call(t, 'POST', `/v1/campaigns/${second.id}/start`);
  await t.runUntil(() => t.network.records.attempts().length === 4, { stepMs: 1000 });
  const campaignSend = t.network.records.attempts().at(-1);
  assert.equal(campaignSend?.to, '+4915112345601');
  assert.ok((campaignSend?.at ?? 0) >= firstSendAt + 60_000, 'no fourth send within the minute');

  t.clock.advance(retryAfter * 1000);
  const later = await call(t, 'POST', `/v1/campaigns/${first.id}/test`, { phone: '+4915177777773' });
  assert.equal(later.statusCode, 200, later.body);
});

test('a test send through a Cloud API sender sends the campaign’s approved template', async () => {
  await using t = await createTestApp();
  await using graph = await GraphStandIn.start({ clock: t.clock, random: new SeededRandom(8) });
  const created = await call(t, 'POST', '/v1/senders', {
    name: 'Meta',
    driver: 'cloud-api',
    config: {
      phoneNumberId: graph.phoneNumberId,
      accessToken: graph.accessToken,
      appSecret: graph.appSecret,
      verifyToken: 'verify-me-0f3a9c',
      baseUrl: graph.baseUrl,
    },
  });
  const sender = created.json();
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/senders/${sender.id}`)).json().status === 'connected',
    { stepMs: 20 },
  );
  const contact = (
    await call(t, 'POST', '/v1/contacts', { phone: '+4915112345600', name: 'Ana Lima' })
  ).json();
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'Welcome',
      variants: ['Hi {{firstName}}'],
      attachments: [{ type: 'image', url: 'https://example.com/spring.png' }],
      whatsappTemplate: { name: 'welcome_back', language: 'en_US', bodyParameters: ['{{firstName|there}}'] },
    })
  ).json();
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', { name: 'Meta', templateId: template.id, senderIds: [sender.id] })
  ).json();

  const res = await call(t, 'POST', `/v1/campaigns/${campaign.id}/test`, {
    phone: '+4915199999999',
    contactId: contact.id,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().state, 'sent');
  assert.equal(graph.messages.length, 1, 'the approved template alone, no free-form image after it');
  const [sent] = graph.receivedBy('+4915199999999');
  assert.ok(sent);
  assert.equal(sent.type, 'template');
  assert.equal((sent.body.template as { name: string }).name, 'welcome_back');
  assert.match(JSON.stringify(sent.body), /"text":"Ana"/);
});
