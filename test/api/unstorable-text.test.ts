import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../support/stores.ts';
import { call, createTestApp, multipart, type TestApp } from '../support/test-app.ts';

const NUL = '\u0000';
const LONE = '\ud800';

/** Ids of a template and a sender to hang campaigns on. */
async function fixtures(t: TestApp) {
  const template = (await call(t, 'POST', '/v1/templates', { name: 'Base', variants: ['Hi'] })).json();
  const sender = (
    await call(t, 'POST', '/v1/senders', {
      name: 'S',
      driver: 'simulator',
      config: { phone: '+15550100001', autoPair: true },
    })
  ).json();
  const contact = (await call(t, 'POST', '/v1/contacts', { phone: '+4915112345600' })).json();
  return {
    templateId: template.id as string,
    senderId: sender.id as string,
    contactId: contact.id as string,
  };
}

type Case = {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  /** Where the problem must point: a JSON Pointer into the body, or a query/path parameter. */
  pointer?: string;
  parameter?: string;
};

function cases(ids: Awaited<ReturnType<typeof fixtures>>): Case[] {
  const campaign = { name: 'C', templateId: ids.templateId, senderIds: [ids.senderId] };
  return [
    {
      name: 'contact name with NUL',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', name: `Ana${NUL}` },
      pointer: '/name',
    },
    {
      name: 'contact name with a lone surrogate',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', name: `Ana${LONE}` },
      pointer: '/name',
    },
    {
      name: 'contact field value with NUL',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', fields: { city: `Ber${NUL}lin` } },
      pointer: '/fields/city',
    },
    {
      name: 'contact tag with a lone low surrogate',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', tags: ['ok', `v\udc00ip`] },
      pointer: '/tags/1',
    },
    {
      name: 'contact consent source with NUL',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', consent: { source: `form${NUL}` } },
      pointer: '/consent/source',
    },
    {
      name: 'contact patch of fields with a lone surrogate',
      method: 'PATCH',
      url: `/v1/contacts/${ids.contactId}`,
      body: { fields: { note: `x${LONE}` } },
      pointer: '/fields/note',
    },
    {
      name: 'contact patch addTags with NUL',
      method: 'PATCH',
      url: `/v1/contacts/${ids.contactId}`,
      body: { addTags: [NUL] },
      pointer: '/addTags/0',
    },
    {
      name: 'template name with NUL',
      method: 'POST',
      url: '/v1/templates',
      body: { name: `T${NUL}`, variants: ['Hi'] },
      pointer: '/name',
    },
    {
      name: 'template variant with a lone surrogate',
      method: 'POST',
      url: '/v1/templates',
      body: { name: 'T', variants: ['Hi', `Hello ${LONE}`] },
      pointer: '/variants/1',
    },
    {
      name: 'template attachment caption with NUL',
      method: 'POST',
      url: '/v1/templates',
      body: { name: 'T', variants: ['Hi'], attachments: [{ type: 'image', fileId: 'file_1', caption: NUL }] },
      pointer: '/attachments/0/caption',
    },
    {
      name: 'template patch variant with NUL',
      method: 'PATCH',
      url: `/v1/templates/${ids.templateId}`,
      body: { variants: [`a${NUL}b`] },
      pointer: '/variants/0',
    },
    {
      name: 'template preview of an inline contact with NUL',
      method: 'POST',
      url: `/v1/templates/${ids.templateId}/preview`,
      body: { contact: { name: NUL } },
      pointer: '/contact/name',
    },
    {
      name: 'campaign name with NUL',
      method: 'POST',
      url: '/v1/campaigns',
      body: { ...campaign, name: `Spring${NUL}` },
      pointer: '/name',
    },
    {
      name: 'campaign audience field with a lone surrogate',
      method: 'POST',
      url: '/v1/campaigns',
      body: { ...campaign, audience: { fields: { city: LONE } } },
      pointer: '/audience/fields/city',
    },
    {
      name: 'campaign window time zone with NUL',
      method: 'POST',
      url: '/v1/campaigns',
      body: { ...campaign, window: { days: [1], from: '09:00', to: '17:00', timezone: `UTC${NUL}` } },
      pointer: '/window/timezone',
    },
    {
      name: 'sender name with NUL',
      method: 'POST',
      url: '/v1/senders',
      body: { name: `S${NUL}`, driver: 'simulator', config: { phone: '+15550100002', autoPair: true } },
      pointer: '/name',
    },
    {
      name: 'sender config with a lone surrogate',
      method: 'POST',
      url: '/v1/senders',
      body: { name: 'S2', driver: 'simulator', config: { phone: '+15550100002', url: `http://x/${LONE}` } },
      pointer: '/config/url',
    },
    {
      name: 'sender patch name with NUL',
      method: 'PATCH',
      url: `/v1/senders/${ids.senderId}`,
      body: { name: NUL },
      pointer: '/name',
    },
    {
      name: 'suppression note with NUL',
      method: 'POST',
      url: '/v1/suppressions',
      body: { phone: '+4915112345679', note: `asked${NUL}` },
      pointer: '/note',
    },
    {
      name: 'workspace name with a lone surrogate',
      method: 'PATCH',
      url: '/v1/workspace',
      body: { name: `Shop${LONE}` },
      pointer: '/name',
    },
    {
      name: 'key name with NUL',
      method: 'POST',
      url: '/v1/keys',
      body: { name: `ci${NUL}` },
      pointer: '/name',
    },
    {
      name: 'field key with NUL',
      method: 'POST',
      url: '/v1/contacts',
      body: { phone: '+4915112345678', fields: { [`c${NUL}`]: 'x' } },
      pointer: `/fields/c${NUL}`,
    },
    {
      name: 'bulk delete filter q with NUL',
      method: 'POST',
      url: '/v1/contacts/bulk-delete',
      body: { filter: { q: NUL } },
      pointer: '/filter/q',
    },
    { name: 'contact search q with NUL', method: 'GET', url: '/v1/contacts?q=a%00', parameter: 'q' },
    { name: 'tag filter with NUL', method: 'GET', url: '/v1/contacts?tag=ok&tag=%00', parameter: 'tag' },
    { name: 'status filter with NUL', method: 'GET', url: '/v1/contacts?status=%00', parameter: 'status' },
    {
      name: 'field filter with NUL',
      method: 'GET',
      url: '/v1/contacts?field.city=%00',
      parameter: 'field.city',
    },
    { name: 'export filter with NUL', method: 'GET', url: '/v1/contacts/export?q=%00', parameter: 'q' },
    { name: 'suppression search with NUL', method: 'GET', url: '/v1/suppressions?q=%00', parameter: 'q' },
    {
      name: 'message phone filter with NUL',
      method: 'GET',
      url: '/v1/campaigns/cmp_1/messages?phone=%00',
      parameter: 'phone',
    },
    { name: 'path id with NUL', method: 'GET', url: '/v1/contacts/ct_1%00', parameter: 'id' },
  ];
}

for (const backend of backends) {
  test(`${backend}: NUL characters and lone surrogates anywhere in a request get 400 naming the field`, async () => {
    await using t = await createTestApp({ backend });
    const ids = await fixtures(t);
    const failures: string[] = [];
    for (const c of cases(ids)) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: t.auth,
        // Serialised here: JSON.stringify writes a lone surrogate as the escape `\ud800`.
        ...(c.body === undefined
          ? {}
          : { payload: JSON.stringify(c.body), headers: { ...t.auth, 'content-type': 'application/json' } }),
      });
      const problem = res.json();
      const named = problem.errors?.some(
        (e: { pointer?: string; parameter?: string }) =>
          (c.pointer !== undefined && e.pointer === c.pointer) ||
          (c.parameter !== undefined && e.parameter === c.parameter),
      );
      if (res.statusCode !== 400 || problem.code !== 'request.invalid' || !named) {
        failures.push(`${c.name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(!t.logs().includes('"level":50'), 'nothing was logged as a server error');
    const contacts = (await call(t, 'GET', '/v1/contacts')).json();
    assert.deepEqual(
      contacts.data.map((c: { phone: string }) => c.phone),
      ['+4915112345600'],
      'no contact was stored',
    );
    const reason = (await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name: NUL })).json()
      .errors[0].detail;
    assert.match(reason, /NUL character \(U\+0000\)/);
    const surrogate = (await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name: LONE })).json()
      .errors[0].detail;
    assert.match(surrogate, /unpaired surrogate \(U\+D800\)/);
  });

  test(`${backend}: a multipart file name or form field with NUL gets 400 naming it`, async () => {
    await using t = await createTestApp({ backend });
    const send = (url: string, form: ReturnType<typeof multipart>) =>
      t.app.inject({ method: 'POST', url, headers: { ...t.auth, ...form.headers }, payload: form.payload });

    const named = await send(
      '/v1/files',
      multipart({}, { name: `photo${NUL}.png`, content: Buffer.from('x'), type: 'image/png' }),
    );
    assert.equal(named.statusCode, 400, named.body);
    assert.deepEqual(named.json().errors, [
      { pointer: '/file', detail: 'the file name must not contain the NUL character (U+0000)' },
    ]);

    const field = await send(
      '/v1/contacts/import',
      multipart({ tags: `spring${NUL}` }, { content: 'phone\n+4915112345678\n' }),
    );
    assert.equal(field.statusCode, 400, field.body);
    assert.equal(field.json().errors[0].pointer, '/tags');

    assert.deepEqual((await call(t, 'GET', '/v1/contacts')).json().data, []);
    assert.ok(!t.logs().includes('"level":50'), 'nothing was logged as a server error');
  });
}

test('text that is merely unusual is stored as sent on both backends', async () => {
  for (const backend of backends) {
    await using t = await createTestApp({ backend });
    const name = 'Zoë 😀 \u200b\ufffd\u0001 ﬁ';
    const res = await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name, tags: ['😀'] });
    assert.equal(res.statusCode, 201, `${backend}: ${res.body}`);
    const listed = (await call(t, 'GET', `/v1/contacts?q=${encodeURIComponent('😀')}`)).json();
    assert.equal(listed.data[0]?.name, name, backend);
  }
});
