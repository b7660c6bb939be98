import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp, multipart } from '../support/test-app.ts';

test('a template using a custom field is accepted once a contact has that field', async () => {
  await using t = await createTestApp();
  const body = { name: 'Welcome', variants: ['Hi {{firstName|there}}, your order ships to {{city}}'] };
  const early = await call(t, 'POST', '/v1/templates', body);
  assert.equal(early.statusCode, 422);
  assert.equal(early.json().code, 'template.unknown_variable');
  assert.match(early.json().detail, /city/);
  await call(t, 'POST', '/v1/contacts', {
    phone: '+4915112345678',
    name: 'Ana Lima',
    fields: { city: 'Berlin' },
  });
  const ok = await call(t, 'POST', '/v1/templates', body);
  assert.equal(ok.statusCode, 201, ok.body);
  assert.deepEqual(ok.json().variables.sort(), ['city', 'firstName']);
});

test('an unknown variable with a default is saved with a warning', async () => {
  await using t = await createTestApp();
  const res = await call(t, 'POST', '/v1/templates', { name: 'W', variants: ['Hi {{nickname|friend}}'] });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().warnings.length, 1);
  assert.match(res.json().warnings[0], /nickname/);
});

test('unbalanced braces are pointed at by variant, line and column', async () => {
  await using t = await createTestApp();
  const res = await call(t, 'POST', '/v1/templates', {
    name: 'W',
    variants: ['fine', 'line one\nHi {Ana|Bo'],
  });
  assert.equal(res.statusCode, 422);
  const err = res.json().errors[0];
  assert.equal(err.pointer, '/variants/1');
  assert.match(err.detail, /line 2, column 4/);
});

test('preview renders a stored contact, and the same seed gives the same text', async () => {
  await using t = await createTestApp();
  const contact = (
    await call(t, 'POST', '/v1/contacts', {
      phone: '+4915112345678',
      name: 'Ana Lima',
      fields: { city: 'Berlin' },
    })
  ).json();
  const template = (
    await call(t, 'POST', '/v1/templates', {
      name: 'Spin',
      variants: ['{Hi|Hello|Hey} {{firstName}} from *{{city}}*!', 'Moin {{name|du}} _{Berlin|Hamburg}_'],
      attachments: [{ type: 'image', url: 'https://example.com/a.png', caption: 'For {{firstName}}' }],
    })
  ).json();
  const preview = async (payload: unknown) =>
    (await call(t, 'POST', `/v1/templates/${template.id}/preview`, payload)).json();
  const first = await preview({ contactId: contact.id, seed: 'msg-1' });
  const second = await preview({ contactId: contact.id, seed: 'msg-1' });
  assert.deepEqual(first, second);
  assert.match(first.text, /^((Hi|Hello|Hey) Ana from \*Berlin\*!|Moin Ana Lima _(Berlin|Hamburg)_)$/);
  assert.equal(first.attachments[0].caption, 'For Ana');
  const texts = new Set<string>();
  for (let i = 0; i < 40; i++) texts.add((await preview({ contactId: contact.id, seed: `s${i}` })).text);
  assert.ok(texts.size >= 4, `varied texts: ${[...texts].join(' | ')}`);
  const inline = await preview({ contact: { name: null, fields: {} }, seed: 'x' });
  assert.ok(!inline.text.includes('{{'), inline.text);
  const missing = await call(t, 'POST', `/v1/templates/${template.id}/preview`, {
    contactId: 'ct_00000000000000000000000000',
  });
  assert.equal(missing.statusCode, 404);
});

test('attachments may name an uploaded file of the workspace', async () => {
  await using t = await createTestApp();
  const upload = multipart({}, { name: 'menu.pdf', content: '%PDF-1.4 fake', type: 'application/pdf' });
  const file = await t.app.inject({
    method: 'POST',
    url: '/v1/files',
    headers: { ...t.auth, ...upload.headers },
    payload: upload.payload,
  });
  assert.equal(file.statusCode, 201, file.body);
  assert.equal(file.json().size, 13);
  const res = await call(t, 'POST', '/v1/templates', {
    name: 'Menu',
    variants: ['Our menu'],
    attachments: [{ type: 'document', fileId: file.json().id, fileName: 'menu.pdf', caption: 'Menu' }],
  });
  assert.equal(res.statusCode, 201, res.body);
  const content = await t.app.inject({
    method: 'GET',
    url: `/v1/files/${file.json().id}/content`,
    headers: t.auth,
  });
  assert.equal(content.body, '%PDF-1.4 fake');
});

test('names are unique, patch revalidates and delete removes', async () => {
  await using t = await createTestApp();
  const a = (await call(t, 'POST', '/v1/templates', { name: 'A', variants: ['a'] })).json();
  await call(t, 'POST', '/v1/templates', { name: 'B', variants: ['b'] });
  const dup = await call(t, 'PATCH', `/v1/templates/${a.id}`, { name: 'B' });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().code, 'template.duplicate_name');
  const bad = await call(t, 'PATCH', `/v1/templates/${a.id}`, { variants: ['{oops'] });
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(
    (await call(t, 'GET', `/v1/templates/${a.id}`)).json().variants,
    ['a'],
    'a rejected patch changes nothing',
  );
  assert.equal((await call(t, 'DELETE', `/v1/templates/${a.id}`)).statusCode, 204);
  assert.equal((await call(t, 'GET', '/v1/templates')).json().data.length, 1);
});
