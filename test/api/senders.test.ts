import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeWhatsApp } from '../drivers/baileys/fake-whatsapp.ts';
import { GraphStandIn } from '../drivers/cloud-api/graph-stand-in.ts';
import { metaBytes, metaSignature } from '../drivers/cloud-api/webhook-deliveries.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

const statusOf = async (t: TestApp, id: string) => (await call(t, 'GET', `/v1/senders/${id}`)).json().status;

/** A connected Cloud API sender on `graph`; returns its id. */
async function addCloudSender(t: TestApp, graph: GraphStandIn, verifyToken: string): Promise<string> {
  const r = await call(t, 'POST', '/v1/senders', {
    name: `Line ${graph.phoneNumberId}`,
    driver: 'cloud-api',
    config: {
      phoneNumberId: graph.phoneNumberId,
      accessToken: graph.accessToken,
      appSecret: graph.appSecret,
      verifyToken,
      baseUrl: graph.baseUrl,
    },
  });
  assert.equal(r.statusCode, 201, r.body);
  await t.runUntil(async () => (await statusOf(t, r.json().id)) === 'connected', { stepMs: 20 });
  return r.json().id as string;
}

test('a Baileys sender pairs through the API by QR code or by a code typed on the phone', async () => {
  const whatsapp = new FakeWhatsApp('+4915100000555');
  await using t = await createTestApp({ baileysSocket: whatsapp.makeSocket });
  const created = await call(t, 'POST', '/v1/senders', { name: 'Shop', driver: 'baileys', config: {} });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  assert.equal(created.json().status, 'pairing');

  await t.runUntil(async () => (await call(t, 'GET', `/v1/senders/${id}/qr`)).json().qr !== null, {
    stepMs: 50,
  });
  const qr = (await call(t, 'GET', `/v1/senders/${id}/qr`)).json();
  assert.equal(qr.status, 'pairing');
  assert.match(qr.png, /^data:image\/png;base64,/);
  const png = await call(t, 'GET', `/v1/senders/${id}/qr.png`);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.deepEqual([...png.rawPayload.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  const badPhone = await call(t, 'POST', `/v1/senders/${id}/pairing-code`, { phone: '0151 2345' });
  assert.equal(badPhone.statusCode, 400);
  assert.equal(badPhone.json().code, 'request.invalid');
  const code = await call(t, 'POST', `/v1/senders/${id}/pairing-code`, { phone: '+4915100000555' });
  assert.equal(code.statusCode, 200, code.body);
  assert.equal(code.json().code, 'K7PQ2XWZ');
  assert.deepEqual(whatsapp.pairingRequests, ['4915100000555']);

  await whatsapp.completePairing();
  await t.runUntil(async () => (await statusOf(t, id)) === 'connected');
  const sender = (await call(t, 'GET', `/v1/senders/${id}`)).json();
  assert.equal(sender.phone, '+4915100000555');
  assert.equal(sender.health, 100);
  assert.equal((await call(t, 'GET', `/v1/senders/${id}/qr`)).json().qr, null);
  const noQr = await call(t, 'GET', `/v1/senders/${id}/qr.png`);
  assert.equal(noQr.statusCode, 409);
  assert.equal(noQr.json().code, 'sender.unavailable');
  const again = await call(t, 'POST', `/v1/senders/${id}/pairing-code`, { phone: '+4915100000555' });
  assert.equal(again.statusCode, 409);
  assert.match(again.json().detail, /already paired/);
});

test('a simulator sender has no pairing code to ask for', async () => {
  await using t = await createTestApp();
  const created = await call(t, 'POST', '/v1/senders', {
    name: 'Sim',
    driver: 'simulator',
    config: { phone: '+15550100001' },
  });
  const r = await call(t, 'POST', `/v1/senders/${created.json().id}/pairing-code`, { phone: '+15550100001' });
  assert.equal(r.statusCode, 422);
  assert.equal(r.json().code, 'sender.invalid');
});

test('a Cloud API sender sends approved templates, learns receipts and opt-outs from signed webhooks, and keeps its secrets hidden', async () => {
  await using t = await createTestApp();
  await using graph = await GraphStandIn.start({ clock: t.clock, random: new SeededRandom(8) });
  const verifyToken = 'verify-me-0f3a9c';
  const config = {
    phoneNumberId: graph.phoneNumberId,
    accessToken: graph.accessToken,
    appSecret: graph.appSecret,
    verifyToken,
    baseUrl: graph.baseUrl,
  };
  const missing = await call(t, 'POST', '/v1/senders', {
    name: 'Meta',
    driver: 'cloud-api',
    config: { phoneNumberId: graph.phoneNumberId },
  });
  assert.equal(missing.statusCode, 422);
  assert.deepEqual(
    missing.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/config/accessToken', '/config/appSecret', '/config/verifyToken'],
  );

  const created = await call(t, 'POST', '/v1/senders', { name: 'Meta', driver: 'cloud-api', config });
  assert.equal(created.statusCode, 201, created.body);
  const sender = created.json();
  assert.deepEqual(Object.keys(sender.config).sort(), ['baseUrl', 'phoneNumberId']);
  assert.equal(sender.webhookPath, `/webhooks/cloud-api/${sender.id}`);
  await t.runUntil(async () => (await statusOf(t, sender.id)) === 'connected', { stepMs: 20 });
  assert.equal((await call(t, 'GET', `/v1/senders/${sender.id}`)).json().phone, '+4915100000001');

  // Meta's subscription handshake, then deliveries through the real route.
  const hub = (token: string) =>
    t.app.inject({
      method: 'GET',
      url: `${sender.webhookPath}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
    });
  assert.equal((await hub(verifyToken)).body, '1158201444');
  assert.equal((await hub('guess')).statusCode, 403);
  graph.webhooks.target = async (rawBody, headers) =>
    (await t.app.inject({ method: 'POST', url: sender.webhookPath, payload: rawBody, headers })).statusCode;

  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345600', name: 'Ana Lima' });
  // Meta's marketing opt-out (131050), once refused at once and once as a failed status.
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345601', name: 'Bo' });
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345602', name: 'Cy' });
  graph.failRecipient('+4915112345601', 131050);
  graph.failRecipient('+4915112345602', 131050, 'status');
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'Welcome',
      variants: ['Hi {{firstName}}'],
      whatsappTemplate: { name: 'welcome_back', language: 'en_US', bodyParameters: ['{{firstName|there}}'] },
    })
  ).json();
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Meta run',
      templateId: template.id,
      senderIds: [sender.id],
      pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
    })
  ).json();
  const started = await call(t, 'POST', `/v1/campaigns/${campaign.id}/start`);
  assert.equal(started.statusCode, 200, started.body);
  await t.runUntil(() => graph.messages.length === 2, { stepMs: 20 });
  const [sent] = graph.receivedBy('+4915112345600');
  assert.ok(sent);
  assert.equal(sent.type, 'template');
  assert.equal((sent.body.template as { name: string }).name, 'welcome_back');
  assert.match(JSON.stringify(sent.body), /"text":"Ana"/);

  // The route answers once the receipts are stored, and storing lingers on the clock.
  let delivered = false;
  void graph.deliverAndRead().then(() => {
    delivered = true;
  });
  await t.runUntil(() => delivered, { stepMs: 20 });
  assert.equal((await call(t, 'GET', `/v1/campaigns/${campaign.id}`)).json().counts.read, 1);
  const counts = (await call(t, 'GET', `/v1/campaigns/${campaign.id}`)).json().counts;
  assert.equal(counts.skipped, 1, 'refused at once: skipped as opted out');
  assert.equal(counts.failed, 1, 'refused by status: failed');
  const suppressed = (await call(t, 'GET', '/v1/suppressions')).json().data;
  assert.deepEqual(
    suppressed.map((x: { phone: string; reason: string }) => `${x.phone} ${x.reason}`).sort(),
    ['+4915112345601 opt_out', '+4915112345602 opt_out'],
  );
  assert.equal(t.events.filter((e) => e.type === 'contact.opted_out').length, 2);
  assert.ok(graph.webhooks.all.length >= 2);
  assert.equal(graph.webhooks.unacknowledged, 0, 'every delivery was answered 200');

  const forged = metaBytes(graph.payload(graph.phoneNumberId, { statuses: [] }));
  const unsigned = await t.app.inject({
    method: 'POST',
    url: sender.webhookPath,
    payload: forged,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature('wrong', forged) },
  });
  assert.equal(unsigned.statusCode, 401);
  assert.equal(unsigned.json().code, 'webhook.bad_signature');

  const stats = (await call(t, 'GET', `/v1/senders/${sender.id}/stats`)).json();
  assert.equal(stats.sent.lastHour, 1);
  assert.equal(stats.hourly.length, 24);

  for (const secret of [graph.accessToken, graph.appSecret, verifyToken]) {
    const at = t.logs().indexOf(secret);
    assert.equal(
      at,
      -1,
      `a Cloud API secret reached the logs: …${t.logs().slice(Math.max(0, at - 300), at + 100)}`,
    );
    const listed = (await call(t, 'GET', '/v1/senders')).body;
    assert.ok(!listed.includes(secret), 'a Cloud API secret was returned');
  }
});

test('one callback URL serves every Cloud API number of a Meta app, routed by phone_number_id', async () => {
  await using t = await createTestApp();
  await using shop = await GraphStandIn.start({ clock: t.clock, random: new SeededRandom(8) });
  await using support = await GraphStandIn.start({
    clock: t.clock,
    random: new SeededRandom(9),
    phoneNumberId: '106540352249999',
    displayPhoneNumber: '+49 151 00000002',
  });
  const shopId = await addCloudSender(t, shop, 'token-shop');
  const supportId = await addCloudSender(t, support, 'token-support');

  const hub = (token: string) =>
    t.app.inject({
      method: 'GET',
      url: `/webhooks/cloud-api?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=77`,
    });
  assert.equal((await hub('token-support')).body, '77');
  assert.equal((await hub('guess')).statusCode, 403);

  const shared = async (rawBody: Buffer, headers: Record<string, string>) =>
    (await t.app.inject({ method: 'POST', url: '/webhooks/cloud-api', payload: rawBody, headers }))
      .statusCode;
  shop.webhooks.target = shared;
  support.webhooks.target = shared;
  const answered = (p: Promise<number>) => {
    let status = 0;
    void p.then((s) => {
      status = s;
    });
    return () => status;
  };
  const stop = answered(shop.inbound('+4915112345611', 'STOP'));
  await t.runUntil(() => stop() !== 0, { stepMs: 20 });
  assert.equal(stop(), 200);
  const hello = answered(support.inbound('+4915112345612', 'hello there'));
  await t.runUntil(() => hello() !== 0, { stepMs: 20 });
  assert.equal(hello(), 200);
  const inbound = t.events.filter((e) => e.type === 'inbound.message');
  assert.deepEqual(
    inbound.map((e) => [e.senderId, e.data.from, e.data.text]),
    [
      [shopId, '+4915112345611', 'STOP'],
      [supportId, '+4915112345612', 'hello there'],
    ],
  );
  const suppressed = (await call(t, 'GET', '/v1/suppressions')).json().data;
  assert.deepEqual(
    suppressed.map((s: { phone: string }) => s.phone),
    ['+4915112345611'],
  );

  const post = (raw: Buffer, secret = shop.appSecret) =>
    t.app.inject({
      method: 'POST',
      url: '/webhooks/cloud-api',
      payload: raw,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(secret, raw) },
    });
  const elsewhere = metaBytes(shop.payload('100000000000001', { statuses: [] }));
  const unknown = await post(elsewhere);
  assert.equal(unknown.statusCode, 200);
  assert.equal(unknown.json().received, false);
  const forged = await post(
    metaBytes(shop.payload(shop.phoneNumberId, { statuses: [] })),
    'not-the-app-secret',
  );
  assert.equal(forged.statusCode, 401);
  const garbage = await post(Buffer.from('{"entry":'));
  assert.equal(garbage.statusCode, 400);
  assert.equal(garbage.json().code, 'request.invalid');
});

test("Meta's pair rate limit holds back only its recipient: the sender keeps its pace and health", async () => {
  await using t = await createTestApp();
  await using graph = await GraphStandIn.start({ clock: t.clock, random: new SeededRandom(8) });
  const senderId = await addCloudSender(t, graph, 'verify-token-1');
  for (let i = 0; i < 4; i++)
    await call(t, 'POST', '/v1/contacts', { phone: `+491511234562${i}`, name: `P${i}` });
  graph.failRecipient('+4915112345620', 131056);
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'W',
      variants: ['Hi'],
      whatsappTemplate: { name: 'hello_world', language: 'en_US' },
    })
  ).json();
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Pair limit',
      templateId: template.id,
      senderIds: [senderId],
      pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
    })
  ).json();
  const startedAt = t.clock.now();
  await call(t, 'POST', `/v1/campaigns/${campaign.id}/start`);
  await t.runUntil(() => graph.messages.length === 3, { stepMs: 20 });
  // The limited recipient comes first; slowing the whole sender would cost 6 s here.
  assert.ok(t.clock.now() - startedAt < 5000, `the others waited ${t.clock.now() - startedAt} ms`);
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${campaign.id}`)).json().status === 'completed',
    { stepMs: 100 },
  );
  const limited = (await call(t, 'GET', `/v1/campaigns/${campaign.id}/messages?state=failed`)).json().data;
  assert.equal(limited.length, 1);
  assert.equal(limited[0].reason, 'recipient_rate_limited');
  assert.equal((await call(t, 'GET', `/v1/senders/${senderId}`)).json().health, 100);
});
