import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

const ANA = '+5511987654321';

/** A connected simulator sender of the key's workspace. */
async function simulatorSender(t: TestApp, phone: string, auth = t.auth) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/senders',
    headers: auth,
    payload: { name: 'Sim', driver: 'simulator', config: { phone, autoPair: true } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { id } = created.json();
  await t.runUntil(
    async () =>
      (await t.app.inject({ method: 'GET', url: `/v1/senders/${id}`, headers: auth })).json().status ===
      'connected',
  );
  return id as string;
}

test('a campaign message in two parts (text and image) gets one STOP reply: one inbound message, one opt-out', async () => {
  await using t = await createTestApp({ fetchMedia: async () => Buffer.alloc(1000) });
  const senderPhone = '+4915100000077';
  const senderId = await simulatorSender(t, senderPhone);
  await call(t, 'POST', '/v1/contacts', { phone: ANA, name: 'Ana Lima' });
  t.network.addReplyRule({ reply: 'STOP', afterMs: 50 });
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'Spring',
      variants: ['Spring sale, {{firstName|there}}!'],
      attachments: [{ type: 'image', url: 'https://example.com/spring.png', caption: 'Our shop' }],
    })
  ).json();
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Spring',
      templateId: template.id,
      senderIds: [senderId],
      pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
    })
  ).json();
  assert.equal((await call(t, 'POST', `/v1/campaigns/${campaign.id}/start`)).statusCode, 200);
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${campaign.id}`)).json().status === 'completed',
  );
  // Long past every receipt and reply, then until the engine stored all the network said.
  t.clock.advance(60_000);
  await t.runUntil(() => t.network.senderState(senderPhone)?.pendingEvents === 0);

  assert.deepEqual(
    (t.network.records.received().get(ANA) ?? []).map((r) => r.type),
    ['text', 'image'],
  );
  assert.equal(t.network.records.inbound().length, 1, 'the recipient answered once');
  assert.equal(t.events.filter((e) => e.type === 'inbound.message').length, 1);
  assert.equal(t.events.filter((e) => e.type === 'contact.opted_out').length, 1);
  const suppressions = (await call(t, 'GET', '/v1/suppressions')).json().data;
  assert.deepEqual(
    suppressions.map((s: { phone: string }) => s.phone),
    [ANA],
  );
});
