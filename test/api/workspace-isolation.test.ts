import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp, multipart } from '../support/test-app.ts';
import { settle } from '../support/test-engine.ts';

/**
 * Every `/v1` route, called with workspace A's key against workspace B's resources, must
 * answer 404 — never B's data and never a 500. The route list comes from the OpenAPI
 * document, so a new route without a case here fails this test.
 */
test("a key from workspace A gets 404 for every one of workspace B's resources", async () => {
  await using t = await createTestApp();
  const a = t.auth;
  const b = await t.otherWorkspace();

  const post = async (url: string, body: unknown, auth = b.auth) => {
    const res = await t.app.inject({ method: 'POST', url, headers: auth, payload: body as object });
    assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    return res.json();
  };
  const contact = await post('/v1/contacts', { phone: '+4915112345678', name: 'B secret', tags: ['b-only'] });
  const template = await post('/v1/templates', { name: 'B template', variants: ['Hi {{name}}'] });
  const suppression = await post('/v1/suppressions', { phone: '+4915112345679', reason: 'opt_out' });
  const key = await post('/v1/keys', { name: 'second' });
  const upload = multipart({}, { name: 'b.png', content: 'not really a png', type: 'image/png' });
  const file = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: { ...b.auth, ...upload.headers },
      payload: upload.payload,
    })
  ).json();
  const csv = multipart({}, { content: 'phone,name\n+4915112345670,Imported\n' });
  const job = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/contacts/import',
      headers: { ...b.auth, ...csv.headers },
      payload: csv.payload,
    })
  ).json();
  await t.importer.whenIdle();
  const sender = await post('/v1/senders', {
    name: 'B sender',
    driver: 'simulator',
    config: { phone: '+15550109999', autoPair: true },
  });
  const campaign = await post('/v1/campaigns', {
    name: 'B campaign',
    templateId: template.id,
    senderIds: [sender.id],
    pacing: { preset: 'manual', minSeconds: 60, maxSeconds: 60 },
  });
  await settle();
  await post(`/v1/campaigns/${campaign.id}/start`, {});
  await t.runUntil(async () => ((await t.store.campaigns.find(campaign.id))?.counts.total ?? 0) > 0);
  const messages = await t.app.inject({
    method: 'GET',
    url: `/v1/campaigns/${campaign.id}/messages`,
    headers: b.auth,
  });
  const message = messages.json().data[0];
  const other = await post('/v1/campaigns', {
    name: 'B draft',
    templateId: template.id,
    senderIds: [sender.id],
  });

  type Case = { method: string; url: string; route: string; payload?: unknown; expect: number | 'empty' };
  const cases: Case[] = [
    { method: 'GET', route: '/v1/contacts/{id}', url: `/v1/contacts/${contact.id}`, expect: 404 },
    {
      method: 'PATCH',
      route: '/v1/contacts/{id}',
      url: `/v1/contacts/${contact.id}`,
      payload: { name: 'x' },
      expect: 404,
    },
    { method: 'DELETE', route: '/v1/contacts/{id}', url: `/v1/contacts/${contact.id}`, expect: 404 },
    { method: 'GET', route: '/v1/contacts', url: '/v1/contacts?tag=b-only', expect: 'empty' },
    { method: 'GET', route: '/v1/contacts/export', url: '/v1/contacts/export', expect: 'empty' },
    {
      method: 'POST',
      route: '/v1/contacts/bulk-delete',
      url: '/v1/contacts/bulk-delete',
      payload: { ids: [contact.id] },
      expect: 'empty',
    },
    { method: 'GET', route: '/v1/contacts/import/{id}', url: `/v1/contacts/import/${job.id}`, expect: 404 },
    {
      method: 'GET',
      route: '/v1/contacts/import/{id}/rejections',
      url: `/v1/contacts/import/${job.id}/rejections`,
      expect: 404,
    },
    { method: 'GET', route: '/v1/templates/{id}', url: `/v1/templates/${template.id}`, expect: 404 },
    {
      method: 'PATCH',
      route: '/v1/templates/{id}',
      url: `/v1/templates/${template.id}`,
      payload: { name: 'x' },
      expect: 404,
    },
    { method: 'DELETE', route: '/v1/templates/{id}', url: `/v1/templates/${template.id}`, expect: 404 },
    {
      method: 'POST',
      route: '/v1/templates/{id}/preview',
      url: `/v1/templates/${template.id}/preview`,
      payload: { contact: { name: 'x' } },
      expect: 404,
    },
    { method: 'GET', route: '/v1/templates', url: '/v1/templates', expect: 'empty' },
    { method: 'GET', route: '/v1/suppressions/{id}', url: `/v1/suppressions/${suppression.id}`, expect: 404 },
    {
      method: 'DELETE',
      route: '/v1/suppressions/{id}',
      url: `/v1/suppressions/${suppression.id}`,
      expect: 404,
    },
    { method: 'GET', route: '/v1/suppressions', url: '/v1/suppressions', expect: 'empty' },
    { method: 'GET', route: '/v1/suppressions/export', url: '/v1/suppressions/export', expect: 'empty' },
    { method: 'DELETE', route: '/v1/keys/{id}', url: `/v1/keys/${key.id}`, expect: 404 },
    { method: 'GET', route: '/v1/keys', url: '/v1/keys', expect: 'empty' },
    { method: 'GET', route: '/v1/files/{id}', url: `/v1/files/${file.id}`, expect: 404 },
    { method: 'GET', route: '/v1/files/{id}/content', url: `/v1/files/${file.id}/content`, expect: 404 },
    { method: 'DELETE', route: '/v1/files/{id}', url: `/v1/files/${file.id}`, expect: 404 },
    { method: 'GET', route: '/v1/workspace', url: '/v1/workspace', expect: 'empty' },
    { method: 'GET', route: '/v1/senders', url: '/v1/senders', expect: 'empty' },
    { method: 'GET', route: '/v1/senders/{id}', url: `/v1/senders/${sender.id}`, expect: 404 },
    {
      method: 'PATCH',
      route: '/v1/senders/{id}',
      url: `/v1/senders/${sender.id}`,
      payload: { name: 'x' },
      expect: 404,
    },
    { method: 'GET', route: '/v1/senders/{id}/qr', url: `/v1/senders/${sender.id}/qr`, expect: 404 },
    { method: 'GET', route: '/v1/senders/{id}/qr.png', url: `/v1/senders/${sender.id}/qr.png`, expect: 404 },
    { method: 'GET', route: '/v1/senders/{id}/stats', url: `/v1/senders/${sender.id}/stats`, expect: 404 },
    {
      method: 'POST',
      route: '/v1/senders/{id}/pairing-code',
      url: `/v1/senders/${sender.id}/pairing-code`,
      payload: { phone: '+4915112345678' },
      expect: 404,
    },
    ...(['pause', 'resume', 'connect', 'logout'] as const).map((verb) => ({
      method: 'POST',
      route: `/v1/senders/{id}/${verb}`,
      url: `/v1/senders/${sender.id}/${verb}`,
      expect: 404 as const,
    })),
    { method: 'DELETE', route: '/v1/senders/{id}', url: `/v1/senders/${sender.id}`, expect: 404 },
    { method: 'GET', route: '/v1/campaigns', url: '/v1/campaigns', expect: 'empty' },
    { method: 'GET', route: '/v1/campaigns/{id}', url: `/v1/campaigns/${campaign.id}`, expect: 404 },
    {
      method: 'PATCH',
      route: '/v1/campaigns/{id}',
      url: `/v1/campaigns/${other.id}`,
      payload: { name: 'x' },
      expect: 404,
    },
    ...(['start', 'pause', 'resume', 'stop', 'clone'] as const).map((verb) => ({
      method: 'POST',
      route: `/v1/campaigns/{id}/${verb}`,
      url: `/v1/campaigns/${verb === 'start' ? other.id : campaign.id}/${verb}`,
      expect: 404 as const,
    })),
    {
      method: 'POST',
      route: '/v1/campaigns/{id}/audience',
      url: `/v1/campaigns/${other.id}/audience`,
      expect: 404,
    },
    {
      method: 'POST',
      route: '/v1/campaigns/{id}/test',
      url: `/v1/campaigns/${campaign.id}/test`,
      payload: { phone: '+4915112345678' },
      expect: 404,
    },
    {
      method: 'GET',
      route: '/v1/campaigns/{id}/messages',
      url: `/v1/campaigns/${campaign.id}/messages`,
      expect: 404,
    },
    {
      method: 'GET',
      route: '/v1/campaigns/{id}/export',
      url: `/v1/campaigns/${campaign.id}/export`,
      expect: 404,
    },
    { method: 'DELETE', route: '/v1/campaigns/{id}', url: `/v1/campaigns/${other.id}`, expect: 404 },
    { method: 'GET', route: '/v1/messages/{id}', url: `/v1/messages/${message.id}`, expect: 404 },
    {
      method: 'PATCH',
      route: '/v1/workspace',
      url: '/v1/workspace',
      payload: { name: 'A renamed' },
      expect: 'empty',
    },
  ];

  // Routes whose A-side call creates something in A: they cannot touch B by construction,
  // but the test still calls them with B's ids in the body where a body can name one.
  const creating: Case[] = [
    {
      method: 'POST',
      route: '/v1/contacts',
      url: '/v1/contacts',
      payload: { phone: '+4915112345678' },
      expect: 'empty',
    },
    {
      method: 'POST',
      route: '/v1/templates',
      url: '/v1/templates',
      payload: { name: 'uses B file', variants: ['x'], attachments: [{ type: 'image', fileId: file.id }] },
      expect: 422,
    },
    {
      method: 'POST',
      route: '/v1/suppressions',
      url: '/v1/suppressions',
      payload: { phone: '+4915112345679' },
      expect: 'empty',
    },
    { method: 'POST', route: '/v1/keys', url: '/v1/keys', payload: { name: 'a2' }, expect: 'empty' },
    { method: 'POST', route: '/v1/files', url: '/v1/files', expect: 'empty' },
    { method: 'POST', route: '/v1/contacts/import', url: '/v1/contacts/import', expect: 'empty' },
    {
      method: 'POST',
      route: '/v1/senders',
      url: '/v1/senders',
      payload: { name: 'a', driver: 'simulator', config: { phone: '+15550109998', autoPair: true } },
      expect: 'empty',
    },
    {
      method: 'POST',
      route: '/v1/campaigns',
      url: '/v1/campaigns',
      payload: { name: 'uses B', templateId: template.id, senderIds: [sender.id] },
      expect: 422,
    },
    // Streams forever, so it is checked below over a real connection.
    { method: 'GET', route: '/v1/events', url: '/v1/events', expect: 'empty' },
  ];

  const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(spec.paths)
    .filter(([p]) => p.startsWith('/v1'))
    .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
  const covered = [...new Set([...cases, ...creating].map((c) => `${c.method} ${c.route}`))].sort();
  assert.deepEqual(covered, documented, 'every documented /v1 route has an isolation case');

  const secretsOfB = [
    contact.id,
    'B secret',
    'b-only',
    template.id,
    suppression.id,
    key.id,
    file.id,
    job.id,
    b.workspace.id,
    sender.id,
    campaign.id,
    other.id,
    message.id,
    'B campaign',
  ];
  for (const c of cases) {
    const res = await t.app.inject({
      method: c.method as 'GET',
      url: c.url,
      headers: a,
      payload: c.payload as object,
    });
    assert.ok(res.statusCode < 500, `${c.method} ${c.url} answered ${res.statusCode}`);
    if (c.expect === 404) {
      assert.equal(res.statusCode, 404, `${c.method} ${c.url}: ${res.body}`);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    }
    for (const s of secretsOfB) {
      // An id the caller sent may be echoed in the problem's detail; anything else of B may not appear.
      const sent = c.url.includes(s) || JSON.stringify(c.payload ?? '').includes(s);
      if (!sent) assert.ok(!res.body.includes(s), `${c.method} ${c.url} leaked ${s}`);
    }
  }
  for (const c of creating.filter((x) => x.payload !== undefined)) {
    if (c.route === '/v1/events') continue;
    const res = await t.app.inject({
      method: c.method as 'POST',
      url: c.url,
      headers: a,
      payload: c.payload as object,
    });
    assert.ok(res.statusCode < 500, `${c.method} ${c.url} answered ${res.statusCode}`);
    if (typeof c.expect === 'number') assert.equal(res.statusCode, c.expect, `${c.url}: ${res.body}`);
    for (const s of secretsOfB) {
      const sent = JSON.stringify(c.payload).includes(s);
      if (!sent) assert.ok(!res.body.includes(s), `${c.method} ${c.url} leaked ${s}`);
    }
  }

  // A's event stream carries nothing of B, though B's campaign has published events.
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  const controller = new AbortController();
  const stream = await fetch(`http://127.0.0.1:${address.port}/v1/events?lastEventId=0`, {
    headers: a,
    signal: controller.signal,
  });
  assert.equal(stream.status, 200);
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  assert.match(first, /connected/);
  for (const s of secretsOfB) assert.ok(!first.includes(s), `the event stream leaked ${s}`);
  assert.ok(
    t.engine.bus.since(0).events.some((e) => e.workspaceId === b.workspace.id),
    'B did have events',
  );

  // B's resources are all still there and unchanged.
  const still = await t.app.inject({ method: 'GET', url: `/v1/contacts/${contact.id}`, headers: b.auth });
  assert.equal(still.statusCode, 200);
  assert.equal(still.json().name, 'B secret');
  assert.equal(
    (await t.app.inject({ method: 'GET', url: `/v1/keys`, headers: b.auth })).json().data.length,
    2,
  );
  assert.equal(
    (await t.app.inject({ method: 'GET', url: `/v1/workspace`, headers: b.auth })).json().name,
    'Other',
  );
});
