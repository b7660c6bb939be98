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

const BOB = '+6281234567890';

test("POST /simulator/replies scripts the recipients of the workspace's senders; a STOP rule suppresses who answers", async () => {
  await using t = await createTestApp();
  const senderPhone = '+15550142817';
  const senderId = await simulatorSender(t, senderPhone);
  const added = await call(t, 'POST', '/simulator/replies', {
    recipients: [ANA],
    reply: 'STOP',
    afterMs: [50, 80],
  });
  assert.equal(added.statusCode, 201, added.body);
  assert.deepEqual(added.json(), {
    rules: [{ recipients: [ANA], reply: 'STOP', afterMs: [50, 80], senders: [senderPhone] }],
  });
  assert.deepEqual((await call(t, 'GET', '/simulator/replies')).json(), added.json());

  for (const phone of [ANA, BOB]) await call(t, 'POST', '/v1/contacts', { phone, name: 'Someone' });
  const template = (await call(t, 'POST', '/v1/templates', { name: 'Hi', variants: ['Hello!'] })).json();
  const campaign = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Hello',
      templateId: template.id,
      senderIds: [senderId],
      pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
    })
  ).json();
  await call(t, 'POST', `/v1/campaigns/${campaign.id}/start`);
  await t.runUntil(async () => (await call(t, 'GET', '/v1/suppressions')).json().data.length === 1);
  t.clock.advance(60_000);
  await t.runUntil(() => t.network.senderState(senderPhone)?.pendingEvents === 0);
  assert.deepEqual(
    (await call(t, 'GET', '/v1/suppressions')).json().data.map((s: { phone: string }) => s.phone),
    [ANA],
  );

  const received = await call(t, 'GET', `/simulator/records/received?to=${encodeURIComponent(BOB)}`);
  assert.equal(received.statusCode, 200, received.body);
  const got = received.json().recipients[BOB];
  assert.deepEqual(
    got.map((m: { from: string; text: string; type: string }) => [m.from, m.type, m.text]),
    [[senderPhone, 'text', 'Hello!']],
  );

  assert.equal((await call(t, 'DELETE', '/simulator/replies')).statusCode, 204);
  assert.deepEqual((await call(t, 'GET', '/simulator/replies')).json(), { rules: [] });
});

test('POST /simulator/inbound: a simulated person writes to a sender now; an opt-out word suppresses them', async () => {
  await using t = await createTestApp();
  const senderPhone = '+15550142818';
  await simulatorSender(t, senderPhone);
  const question = await call(t, 'POST', '/simulator/inbound', {
    from: BOB,
    to: senderPhone,
    text: 'Is the spring sale still on?',
  });
  assert.equal(question.statusCode, 201, question.body);
  const { id } = question.json();
  assert.match(id, /^SIMIN/);
  const stop = await call(t, 'POST', '/simulator/inbound', { from: ANA, to: senderPhone, text: '¡Baja!' });
  assert.equal(stop.statusCode, 201, stop.body);
  await t.runUntil(() => t.network.senderState(senderPhone)?.pendingEvents === 0);
  assert.deepEqual(
    t.events.flatMap((e) => (e.type === 'inbound.message' ? [[e.data.from, e.data.text]] : [])),
    [
      [BOB, 'Is the spring sale still on?'],
      [ANA, '¡Baja!'],
    ],
  );
  assert.ok(t.events.some((e) => e.type === 'inbound.message' && e.data.id === id));
  assert.deepEqual(
    (await call(t, 'GET', '/v1/suppressions')).json().data.map((s: { phone: string }) => s.phone),
    [ANA],
  );
});

test('a workspace steers only its own simulator numbers and sees only its own rules and records', async () => {
  await using t = await createTestApp();
  const b = await t.otherWorkspace();
  const mine = '+15550142819';
  const theirs = '+15550142820';
  const myId = await simulatorSender(t, mine);
  const theirId = await simulatorSender(t, theirs, b.auth);
  const asB = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: b.auth, ...(payload === undefined ? {} : { payload }) });

  const foreignInbound = await call(t, 'POST', '/simulator/inbound', { from: ANA, to: theirs, text: 'hi' });
  assert.equal(foreignInbound.statusCode, 422, foreignInbound.body);
  assert.equal(foreignInbound.json().code, 'simulator.unknown_sender');
  assert.deepEqual(
    foreignInbound.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/to'],
  );
  const foreignRule = await call(t, 'POST', '/simulator/replies', { senders: [mine, theirs], reply: 'STOP' });
  assert.equal(foreignRule.statusCode, 422, foreignRule.body);
  assert.deepEqual(
    foreignRule.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/senders/1'],
  );
  const foreignPair = await call(t, 'POST', `/simulator/senders/${encodeURIComponent(theirs)}/pair`);
  assert.equal(foreignPair.statusCode, 404, foreignPair.body);
  assert.equal(t.network.records.inbound().length, 0, 'nothing reached the other workspace');

  assert.equal((await call(t, 'POST', '/simulator/replies', { reply: 'STOP' })).statusCode, 201);
  assert.deepEqual((await asB('GET', '/simulator/replies')).json(), { rules: [] });
  assert.equal((await asB('POST', '/simulator/replies', { match: 'ping', reply: 'pong' })).statusCode, 201);
  assert.equal((await asB('DELETE', '/simulator/replies')).statusCode, 204);
  assert.deepEqual((await call(t, 'GET', '/simulator/replies')).json().rules, [
    { reply: 'STOP', senders: [mine] },
  ]);

  // A test send from each: only A's rule answers, and only A's own.
  for (const [auth, senderId] of [
    [t.auth, myId],
    [b.auth, theirId],
  ] as const) {
    const template = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/templates',
        headers: auth,
        payload: { name: 'Hi', variants: ['Hello!'] },
      })
    ).json();
    const campaign = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/campaigns',
        headers: auth,
        payload: { name: 'Hi', templateId: template.id, senderIds: [senderId] },
      })
    ).json();
    const sent = await t.app.inject({
      method: 'POST',
      url: `/v1/campaigns/${campaign.id}/test`,
      headers: auth,
      payload: { phone: ANA },
    });
    assert.ok(sent.statusCode < 300, sent.body);
  }
  t.clock.advance(60_000);
  await t.runUntil(
    () =>
      t.network.senderState(mine)?.pendingEvents === 0 && t.network.senderState(theirs)?.pendingEvents === 0,
  );
  assert.deepEqual(
    t.network.records.inbound().map((r) => [r.from, r.to, r.text]),
    [[ANA, mine, 'STOP']],
  );
  const seenByB = (await asB('GET', '/simulator/records/received')).json().recipients;
  assert.deepEqual(
    seenByB[ANA].map((m: { from: string }) => m.from),
    [theirs],
  );
});

test('simulator routes refuse a bad rule, a workspace without a simulator sender, and a missing key', async () => {
  await using t = await createTestApp();
  const none = await call(t, 'POST', '/simulator/replies', { reply: 'STOP' });
  assert.equal(none.statusCode, 409, none.body);
  assert.equal(none.json().code, 'simulator.no_sender');
  await simulatorSender(t, '+15550142821');
  const cases: [object, number, string, string][] = [
    [{ pattern: '(', reply: 'x' }, 422, 'simulator.invalid_rule', '/pattern'],
    [{ afterMs: [500, 100], reply: 'x' }, 422, 'simulator.invalid_rule', '/afterMs'],
    [{ reply: '' }, 400, 'request.invalid', '/reply'],
    [{ reply: 'x', recipient: ANA }, 400, 'request.invalid', '/recipient'],
    [{ reply: 'x', recipients: ['0151 123'] }, 400, 'request.invalid', '/recipients/0'],
  ];
  for (const [body, status, code, pointer] of cases) {
    const res = await call(t, 'POST', '/simulator/replies', body);
    assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
    assert.equal(res.json().code, code);
    assert.ok(
      res.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
      `${JSON.stringify(body)}: ${res.body}`,
    );
  }
  assert.deepEqual((await call(t, 'GET', '/simulator/replies')).json(), { rules: [] });
  const anonymous = await t.app.inject({
    method: 'POST',
    url: '/simulator/replies',
    payload: { reply: 'x' },
  });
  assert.equal(anonymous.statusCode, 401);
  assert.equal(anonymous.json().code, 'auth.missing_key');
});

test("POST /simulator/senders/{phone}/pair completes a sender's pairing as its phone would", async () => {
  await using t = await createTestApp();
  const phone = '+15550142822';
  const created = (
    await call(t, 'POST', '/v1/senders', { name: 'QR', driver: 'simulator', config: { phone } })
  ).json();
  await t.runUntil(async () => (await call(t, 'GET', `/v1/senders/${created.id}/qr`)).json().qr !== null);
  const paired = await call(t, 'POST', `/simulator/senders/${encodeURIComponent(phone)}/pair`);
  assert.equal(paired.statusCode, 200, paired.body);
  assert.equal(paired.json().status, 'connected');
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/senders/${created.id}`)).json().status === 'connected',
  );
  const again = await call(t, 'POST', `/simulator/senders/${encodeURIComponent(phone)}/pair`);
  assert.equal(again.statusCode, 409, again.body);
  assert.equal(again.json().code, 'simulator.not_pairing');
});

test('without the built-in simulator there are no /simulator routes, in the API or its document', async () => {
  await using off = await createTestApp({ simulatorRoutes: false });
  const res = await call(off, 'POST', '/simulator/replies', { reply: 'STOP' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().code, 'request.not_found');
  const offSpec = (await off.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.deepEqual(
    Object.keys(offSpec.paths).filter((p) => p.startsWith('/simulator')),
    [],
  );

  await using on = await createTestApp();
  const spec = (await on.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const paths = Object.keys(spec.paths).filter((p) => p.startsWith('/simulator'));
  assert.deepEqual(paths.sort(), [
    '/simulator/inbound',
    '/simulator/records/received',
    '/simulator/replies',
    '/simulator/senders/{phone}/pair',
  ]);
  for (const path of paths) {
    for (const [method, op] of Object.entries(spec.paths[path]) as [string, Record<string, unknown>][]) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId, `${where} has an operationId`);
      assert.ok(op.summary, `${where} has a summary`);
      assert.deepEqual(op.tags, ['simulator'], where);
      const body = (op.requestBody as { content: Record<string, { example?: unknown }> } | undefined)
        ?.content['application/json'];
      if (body !== undefined) assert.ok(body.example, `${where} has a request example`);
      const responses = op.responses as Record<string, { content?: Record<string, { example?: unknown }> }>;
      for (const [status, response] of Object.entries(responses)) {
        if (!status.startsWith('2') || response.content === undefined) continue;
        assert.ok(response.content['application/json']?.example, `${where} ${status} has an example`);
      }
    }
  }
});
