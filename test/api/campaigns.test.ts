import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

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
  return { template, sender };
}

test('a campaign runs end to end through the API with counts, progress and a results export', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t);
  const created = await call(t, 'POST', '/v1/campaigns', {
    name: 'Spring',
    templateId: template.id,
    senderIds: [sender.id],
    audience: { tags: ['news'] },
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 2 },
  });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().status, 'draft');
  const started = await call(t, 'POST', `/v1/campaigns/${created.json().id}/start`);
  assert.equal(started.statusCode, 200, started.body);
  assert.equal(started.json().status, 'running');
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${created.json().id}`)).json().status === 'completed',
  );
  t.clock.advance(5000);
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${created.json().id}`)).json().counts.read === 3,
  );
  const done = (await call(t, 'GET', `/v1/campaigns/${created.json().id}`)).json();
  assert.deepEqual(done.counts, {
    total: 3,
    queued: 0,
    sending: 0,
    sent: 3,
    delivered: 3,
    read: 3,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  });
  assert.equal(done.progress.percent, 100);
  assert.equal(done.progress.etaSeconds, 0);
  const messages = (await call(t, 'GET', `/v1/campaigns/${created.json().id}/messages?state=read`)).json();
  assert.equal(messages.data.length, 3);
  assert.match(messages.data[0].text, /^Hi Ana$/);
  const one = await call(t, 'GET', `/v1/messages/${messages.data[0].id}`);
  assert.equal(one.json().whatsappId, messages.data[0].whatsappId);
  const csv = await call(t, 'GET', `/v1/campaigns/${created.json().id}/export`);
  assert.equal(csv.body.trim().split('\n').length, 4);
  assert.ok(csv.body.includes('Hi Ana'));
});

test('validation names the field: unknown template, foreign sender, bad window, bad pacing', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t, 0);
  const res = await call(t, 'POST', '/v1/campaigns', {
    name: 'Bad',
    templateId: 'tpl_00000000000000000000000000',
    senderIds: [sender.id, 'snd_00000000000000000000000000'],
    pacing: { preset: 'manual', minSeconds: 10, maxSeconds: 5 },
    window: { days: [1], from: '09:00', to: '09:00', timezone: 'Mars/Olympus' },
  });
  assert.equal(res.statusCode, 422, res.body);
  const pointers = res
    .json()
    .errors.map((e: { pointer: string }) => e.pointer)
    .sort();
  assert.deepEqual(pointers, [
    '/pacing/maxSeconds',
    '/senderIds/1',
    '/templateId',
    '/window/timezone',
    '/window/to',
  ]);
  const missing = await call(t, 'POST', '/v1/campaigns', {
    name: 'x',
    templateId: template.id,
    senderIds: [sender.id],
    audience: { contactIds: ['ct_00000000000000000000000000'] },
  });
  assert.equal(missing.json().errors[0].pointer, '/audience/contactIds/0');
});

test('a campaign with a future start is scheduled and starts on time', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t);
  const startAt = new Date(t.clock.now() + 3_600_000).toISOString();
  const c = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Later',
      templateId: template.id,
      senderIds: [sender.id],
      startAt,
    })
  ).json();
  const scheduled = await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  assert.equal(scheduled.json().status, 'scheduled');
  assert.equal(scheduled.json().startAt, startAt);
  t.clock.advance(3_599_000);
  await t.runUntil(() => true);
  assert.equal(t.network.records.attempts().length, 0, 'nothing before the start time');
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${c.id}`)).json().status !== 'scheduled',
    { stepMs: 1000 },
  );
  assert.ok(t.clock.now() >= Date.parse(startAt));
  assert.ok(t.events.some((e) => e.type === 'campaign.started' && e.campaignId === c.id));
});

test('clone makes a draft; delete refuses an active campaign and accepts a stopped one', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t);
  const c = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'Orig',
      templateId: template.id,
      senderIds: [sender.id],
      pacing: { preset: 'long' },
    })
  ).json();
  await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  const copy = await call(t, 'POST', `/v1/campaigns/${c.id}/clone`);
  assert.equal(copy.statusCode, 201);
  assert.equal(copy.json().status, 'draft');
  assert.equal(copy.json().name, 'Orig (copy)');
  assert.deepEqual(copy.json().pacing, { preset: 'long' });
  const refused = await call(t, 'DELETE', `/v1/campaigns/${c.id}`);
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().code, 'campaign.invalid_state');
  assert.equal((await call(t, 'POST', `/v1/campaigns/${c.id}/stop`)).json().status, 'stopped');
  assert.equal(
    (await call(t, 'POST', `/v1/campaigns/${c.id}/resume`)).statusCode,
    409,
    'a stopped campaign stays stopped',
  );
  assert.equal((await call(t, 'DELETE', `/v1/campaigns/${c.id}`)).statusCode, 204);
  assert.equal((await call(t, 'GET', `/v1/campaigns/${c.id}`)).statusCode, 404);
});

test('a test send renders for a contact and goes to one number now', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t, 1);
  const contact = (await call(t, 'GET', '/v1/contacts')).json().data[0];
  const c = (
    await call(t, 'POST', '/v1/campaigns', { name: 'T', templateId: template.id, senderIds: [sender.id] })
  ).json();
  const res = await call(t, 'POST', `/v1/campaigns/${c.id}/test`, {
    phone: '0151 99999999',
    contactId: contact.id,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().state, 'sent');
  assert.equal(res.json().campaignId, null, 'a test send is in no campaign');
  const got = t.network.records.receivedBy('+4915199999999');
  assert.equal(got[0]?.text, 'Hi Ana');
  assert.equal((await call(t, 'GET', `/v1/campaigns/${c.id}`)).json().counts.total, 0);
});

test('media too large or of the wrong type is refused before the start', async () => {
  await using t = await createTestApp({
    probeMedia: async () => ({ size: 50 * 1024 * 1024, contentType: 'text/html' }),
  });
  const { sender } = await setup(t, 1);
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'Media',
      variants: ['See'],
      attachments: [{ type: 'image', url: 'https://example.com/x.png' }],
    })
  ).json();
  const c = (
    await call(t, 'POST', '/v1/campaigns', { name: 'M', templateId: template.id, senderIds: [sender.id] })
  ).json();
  const res = await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  assert.equal(res.statusCode, 422, res.body);
  const details = res
    .json()
    .errors.map((e: { detail: string }) => e.detail)
    .join(' | ');
  assert.match(details, /bytes/);
  assert.match(details, /text\/html/);
  assert.equal((await call(t, 'GET', `/v1/campaigns/${c.id}`)).json().status, 'draft');
});

test('the event stream resumes after Last-Event-ID without losing or repeating events', async () => {
  await using t = await createTestApp();
  const { template, sender } = await setup(t, 2);
  const c = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'E',
      templateId: template.id,
      senderIds: [sender.id],
      pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
    })
  ).json();
  await call(t, 'POST', `/v1/campaigns/${c.id}/start`);
  await t.runUntil(async () => (await call(t, 'GET', `/v1/campaigns/${c.id}`)).json().status === 'completed');
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as { port: number }).port;
  const read = async (lastEventId: number) => {
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/v1/events?campaignId=${c.id}`, {
      headers: { ...t.auth, 'last-event-id': String(lastEventId) },
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('campaign.completed'))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  };
  const all = await read(0);
  assert.ok(all.length >= 5, `${all.length} events`);
  const cut = all[2] as number;
  const resumed = await read(cut);
  assert.deepEqual(
    resumed,
    all.filter((id) => id > cut),
  );
});

test('a CSV uploaded as the audience reaches exactly the contacts it lists, and the start waits for its import', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  // Three contacts tagged news exist already; only one of them is in the file.
  const { template, sender } = await setup(t);
  const created = (
    await call(t, 'POST', '/v1/campaigns', {
      name: 'From a file',
      templateId: template.id,
      senderIds: [sender.id],
      audience: { tags: ['news'] },
      pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 2 },
    })
  ).json();
  const csv = [
    'phone,name',
    '+4915112345600,Ana again', // a stored contact: updated, and in the audience
    '0151 22222222,Bea', // new
    'not a phone,Cy', // rejected, line 4
    '0151 22222222,Bea twice', // the same recipient again: one message
    '0151 33333333,Dan',
  ].join('\n');
  const upload = await t.app.inject({
    method: 'POST',
    url: `/v1/campaigns/${created.id}/audience`,
    headers: { ...t.auth, 'content-type': 'text/csv' },
    payload: csv,
  });
  assert.equal(upload.statusCode, 202, upload.body);
  const importId = upload.json().id;
  assert.equal(upload.headers.location, `/v1/contacts/import/${importId}`);
  const pointed = (await call(t, 'GET', `/v1/campaigns/${created.id}`)).json();
  assert.deepEqual(pointed.audience, { importId }, 'the upload replaces the audience');

  // A start before the import is done is a conflict to retry, not a campaign sent to part of the file.
  // (The import runs in a worker thread that has not even loaded yet.)
  const early = await call(t, 'POST', `/v1/campaigns/${created.id}/start`);
  assert.equal(early.statusCode, 409, early.body);
  assert.equal(early.json().code, 'campaign.audience_importing');
  await t.importer.whenIdle();
  const report = (await call(t, 'GET', `/v1/contacts/import/${importId}`)).json();
  assert.equal(report.status, 'completed');
  assert.equal(report.counts.rejected, 1);
  assert.equal(report.rejections[0].line, 4);
  assert.equal((await call(t, 'GET', `/v1/campaigns/${created.id}`)).json().audienceSize, 3);

  const started = await call(t, 'POST', `/v1/campaigns/${created.id}/start`);
  assert.equal(started.statusCode, 200, started.body);
  await t.runUntil(
    async () => (await call(t, 'GET', `/v1/campaigns/${created.id}`)).json().status === 'completed',
  );
  const messages = (await call(t, 'GET', `/v1/campaigns/${created.id}/messages`)).json();
  assert.deepEqual(messages.data.map((m: { phone: string; text: string }) => [m.phone, m.text]).sort(), [
    ['+4915112345600', 'Hi Ana'],
    ['+4915122222222', 'Hi Bea'],
    ['+4915133333333', 'Hi Dan'],
  ]);

  // A running campaign takes no new audience; an ordinary import is no audience.
  const late = await t.app.inject({
    method: 'POST',
    url: `/v1/campaigns/${created.id}/audience`,
    headers: { ...t.auth, 'content-type': 'text/csv' },
    payload: csv,
  });
  assert.equal(late.statusCode, 409, late.body);
  const plain = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts/import',
    headers: { ...t.auth, 'content-type': 'text/csv' },
    payload: csv,
  });
  await t.importer.whenIdle();
  const other = await call(t, 'POST', '/v1/campaigns', {
    name: 'Not from an upload',
    templateId: template.id,
    senderIds: [sender.id],
    audience: { importId: plain.json().id },
  });
  assert.equal(other.statusCode, 422, other.body);
  assert.equal(other.json().errors[0].pointer, '/audience/importId');
});
