import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp, multipart } from '../support/test-app.ts';

type Case = {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status?: number;
  pointer?: string;
};

const json = { 'content-type': 'application/json' };
const huge = 'x'.repeat(100_000);

/**
 * Malformed input of every kind, across the routes: each must get a 4xx problem JSON that
 * says what is wrong, never a 5xx. Cases that name a field check the pointer too.
 */
const cases: Case[] = [
  // broken JSON and wrong content types
  {
    name: 'truncated JSON',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone": "+49',
    headers: json,
    status: 400,
  },
  {
    name: 'JSON with trailing comma',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678",}',
    headers: json,
    status: 400,
  },
  { name: 'empty JSON body', method: 'POST', url: '/v1/contacts', body: '', headers: json, status: 400 },
  { name: 'JSON null body', method: 'POST', url: '/v1/contacts', body: 'null', headers: json, status: 400 },
  { name: 'JSON array body', method: 'POST', url: '/v1/contacts', body: '[]', headers: json, status: 400 },
  { name: 'JSON string body', method: 'POST', url: '/v1/contacts', body: '"hi"', headers: json, status: 400 },
  {
    name: 'XML body',
    method: 'POST',
    url: '/v1/contacts',
    body: '<phone/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
  },
  {
    name: 'binary garbage as JSON',
    method: 'POST',
    url: '/v1/templates',
    body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    headers: json,
    status: 400,
  },
  {
    name: 'body over the size limit',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '1', name: 'x'.repeat(2_000_000) }),
    headers: json,
    status: 413,
  },
  // contacts: types, sizes, phones
  {
    name: 'missing phone',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"name":"Ana"}',
    headers: json,
    status: 400,
    pointer: '/phone',
  },
  {
    name: 'phone as number',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":4915112345678}',
    headers: json,
    status: 400,
    pointer: '/phone',
  },
  {
    name: 'phone as object',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":{"n":1}}',
    headers: json,
    status: 400,
    pointer: '/phone',
  },
  {
    name: 'phone of letters',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"call me"}',
    headers: json,
    status: 422,
    pointer: '/phone',
  },
  {
    name: 'phone too short',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+49 1"}',
    headers: json,
    status: 422,
    pointer: '/phone',
  },
  {
    name: 'phone too long',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '1'.repeat(65) }),
    headers: json,
    status: 400,
    pointer: '/phone',
  },
  {
    name: 'phone in unknown country code',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+999 1234567"}',
    headers: json,
    status: 422,
    pointer: '/phone',
  },
  {
    name: 'empty phone',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":""}',
    headers: json,
    status: 400,
    pointer: '/phone',
  },
  {
    name: 'huge name',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '+4915112345678', name: huge }),
    headers: json,
    status: 400,
    pointer: '/name',
  },
  {
    name: 'unknown field',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678","nmae":"typo"}',
    headers: json,
    status: 400,
    pointer: '/nmae',
  },
  {
    name: 'tags not an array',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678","tags":"vip"}',
    headers: json,
    status: 400,
    pointer: '/tags',
  },
  {
    name: 'tag too long',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '+4915112345678', tags: ['t'.repeat(65)] }),
    headers: json,
    status: 400,
    pointer: '/tags/0',
  },
  {
    name: 'too many tags',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '+4915112345678', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }),
    headers: json,
    status: 400,
    pointer: '/tags',
  },
  {
    name: 'field key with a space',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678","fields":{"my city":"x"}}',
    headers: json,
    status: 400,
  },
  {
    name: 'nested field value',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678","fields":{"city":{"a":1}}}',
    headers: json,
    status: 400,
    pointer: '/fields/city',
  },
  {
    name: 'consent date not a date',
    method: 'POST',
    url: '/v1/contacts',
    body: '{"phone":"+4915112345678","consent":{"optedInAt":"yesterday"}}',
    headers: json,
    status: 400,
    pointer: '/consent/optedInAt',
  },
  {
    name: 'status too long',
    method: 'POST',
    url: '/v1/contacts',
    body: JSON.stringify({ phone: '+4915112345678', status: 's'.repeat(100) }),
    headers: json,
    status: 400,
    pointer: '/status',
  },
  {
    name: 'empty patch',
    method: 'PATCH',
    url: '/v1/contacts/ct_0000000000000000000000000a',
    body: '{}',
    headers: json,
    status: 400,
  },
  { name: 'id with bad characters', method: 'GET', url: '/v1/contacts/..%2F..%2Fetc', status: 400 },
  { name: 'id too long', method: 'GET', url: `/v1/contacts/ct_${'a'.repeat(100)}`, status: 400 },
  { name: 'limit not a number', method: 'GET', url: '/v1/contacts?limit=lots', status: 400 },
  { name: 'limit zero', method: 'GET', url: '/v1/contacts?limit=0', status: 400 },
  { name: 'limit above max', method: 'GET', url: '/v1/contacts?limit=100000', status: 400 },
  { name: 'cursor garbage', method: 'GET', url: '/v1/contacts?cursor=%27%20OR%201%3D1', status: 400 },
  { name: 'unknown query parameter', method: 'GET', url: '/v1/contacts?sort=name', status: 400 },
  { name: 'field filter with bad key', method: 'GET', url: '/v1/contacts?field.my%20city=x', status: 400 },
  {
    name: 'bulk delete with nothing',
    method: 'POST',
    url: '/v1/contacts/bulk-delete',
    body: '{}',
    headers: json,
    status: 400,
  },
  {
    name: 'bulk delete with empty filter',
    method: 'POST',
    url: '/v1/contacts/bulk-delete',
    body: '{"filter":{}}',
    headers: json,
    status: 400,
    pointer: '/filter',
  },
  {
    name: 'bulk delete ids and filter',
    method: 'POST',
    url: '/v1/contacts/bulk-delete',
    body: '{"ids":["ct_1"],"filter":{"q":"a"}}',
    headers: json,
    status: 400,
  },
  // suppressions
  {
    name: 'suppression bad reason',
    method: 'POST',
    url: '/v1/suppressions',
    body: '{"phone":"+4915112345678","reason":"annoyed"}',
    headers: json,
    status: 400,
    pointer: '/reason',
  },
  {
    name: 'suppression bad phone',
    method: 'POST',
    url: '/v1/suppressions',
    body: '{"phone":"12"}',
    headers: json,
    status: 422,
    pointer: '/phone',
  },
  { name: 'suppression filter bad reason', method: 'GET', url: '/v1/suppressions?reason=x', status: 400 },
  // templates
  {
    name: 'template without variants',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t"}',
    headers: json,
    status: 400,
    pointer: '/variants',
  },
  {
    name: 'template with empty variants',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":[]}',
    headers: json,
    status: 400,
    pointer: '/variants',
  },
  {
    name: 'template unbalanced brace',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["Hi {there"]}',
    headers: json,
    status: 422,
    pointer: '/variants/0',
  },
  {
    name: 'template stray closing brace',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["ok","Hi }"]}',
    headers: json,
    status: 422,
    pointer: '/variants/1',
  },
  {
    name: 'template unknown variable',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["Hi {{nickname}}"]}',
    headers: json,
    status: 422,
  },
  {
    name: 'template huge variant',
    method: 'POST',
    url: '/v1/templates',
    body: JSON.stringify({ name: 't', variants: [huge] }),
    headers: json,
    status: 400,
    pointer: '/variants/0',
  },
  {
    name: 'template bad attachment type',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["x"],"attachments":[{"type":"sticker","url":"https://a.b/c"}]}',
    headers: json,
    status: 400,
  },
  {
    name: 'template attachment without source',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["x"],"attachments":[{"type":"image"}]}',
    headers: json,
    status: 422,
    pointer: '/attachments/0',
  },
  {
    name: 'template attachment ftp url',
    method: 'POST',
    url: '/v1/templates',
    body: '{"name":"t","variants":["x"],"attachments":[{"type":"image","url":"ftp://a/b"}]}',
    headers: json,
    status: 400,
    pointer: '/attachments/0/url',
  },
  {
    name: 'template eleven attachments',
    method: 'POST',
    url: '/v1/templates',
    body: JSON.stringify({
      name: 't',
      variants: ['x'],
      attachments: Array.from({ length: 11 }, () => ({ type: 'image', url: 'https://a.b/c.png' })),
    }),
    headers: json,
    status: 400,
    pointer: '/attachments',
  },
  {
    name: 'preview with empty body',
    method: 'POST',
    url: '/v1/templates/tpl_0000000000000000000000000a/preview',
    body: '{}',
    headers: json,
    status: 400,
  },
  // keys and workspace
  {
    name: 'key without name',
    method: 'POST',
    url: '/v1/keys',
    body: '{}',
    headers: json,
    status: 400,
    pointer: '/name',
  },
  {
    name: 'workspace bad country',
    method: 'PATCH',
    url: '/v1/workspace',
    body: '{"defaultCountry":"XX"}',
    headers: json,
    status: 422,
    pointer: '/defaultCountry',
  },
  {
    name: 'workspace country wrong length',
    method: 'PATCH',
    url: '/v1/workspace',
    body: '{"defaultCountry":"DEU"}',
    headers: json,
    status: 400,
    pointer: '/defaultCountry',
  },
  // uploads and imports
  {
    name: 'file upload as JSON',
    method: 'POST',
    url: '/v1/files',
    body: '{"file":"x"}',
    headers: json,
    status: 415,
  },
  {
    name: 'import with bad onDuplicate',
    method: 'POST',
    url: '/v1/contacts/import?onDuplicate=merge',
    body: 'phone\n+4915112345678\n',
    headers: { 'content-type': 'text/csv' },
    status: 400,
  },
  {
    name: 'import with mapping not JSON',
    method: 'POST',
    url: '/v1/contacts/import?mapping=%7Bphone',
    body: 'phone\n+4915112345678\n',
    headers: { 'content-type': 'text/csv' },
    status: 400,
  },
  {
    name: 'import mapping to a missing column',
    method: 'POST',
    url: `/v1/contacts/import?mapping=${encodeURIComponent('{"phone":"Mobile"}')}`,
    body: 'phone\n+4915112345678\n',
    headers: { 'content-type': 'text/csv' },
    status: 422,
  },
  {
    name: 'import with unclosed quote',
    method: 'POST',
    url: '/v1/contacts/import',
    body: 'phone,name\n+4915112345678,"Ana\n',
    headers: { 'content-type': 'text/csv' },
    status: 422,
  },
  {
    name: 'import Latin-1 file',
    method: 'POST',
    url: '/v1/contacts/import',
    body: Buffer.from('phone,name\n+4915112345678,Jos\xe9\n', 'latin1'),
    headers: { 'content-type': 'text/csv' },
    status: 422,
  },
  {
    name: 'import empty file',
    method: 'POST',
    url: '/v1/contacts/import',
    body: '',
    headers: { 'content-type': 'text/csv' },
  },
  {
    name: 'import as JSON',
    method: 'POST',
    url: '/v1/contacts/import',
    body: '{"rows":[]}',
    headers: json,
    status: 415,
  },
  // auth
  { name: 'no key', method: 'GET', url: '/v1/contacts', headers: { authorization: '' }, status: 401 },
  {
    name: 'wrong scheme',
    method: 'GET',
    url: '/v1/contacts',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
    status: 401,
  },
  {
    name: 'unknown key',
    method: 'GET',
    url: '/v1/contacts',
    headers: { authorization: `Bearer kur_${'A'.repeat(40)}` },
    status: 401,
  },
  {
    name: 'key with garbage',
    method: 'GET',
    url: '/v1/contacts',
    headers: { 'x-api-key': "kur_' OR 1=1 --", authorization: '' },
    status: 401,
  },
  // routing
  { name: 'unknown route', method: 'GET', url: '/v1/nothing-here', status: 404 },
];

test('at least 50 malformed requests each get a 4xx problem JSON naming what is wrong', async () => {
  assert.ok(cases.length >= 50, `only ${cases.length} cases`);
  await using t = await createTestApp();
  const failures: string[] = [];
  for (const c of cases) {
    const res = await t.app.inject({
      method: c.method,
      url: c.url,
      headers: { ...t.auth, ...(c.headers ?? {}) },
      ...(c.body === undefined ? {} : { payload: c.body }),
    });
    const where = `${c.name} (${c.method} ${c.url.slice(0, 60)})`;
    if (res.statusCode >= 500 || res.statusCode < 400) {
      failures.push(`${where}: status ${res.statusCode} ${res.body.slice(0, 200)}`);
      continue;
    }
    if (c.status !== undefined && res.statusCode !== c.status) {
      failures.push(`${where}: expected ${c.status}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      continue;
    }
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
      failures.push(`${where}: content-type ${res.headers['content-type']}`);
      continue;
    }
    const problem = res.json();
    if (problem.status !== res.statusCode || typeof problem.code !== 'string' || !problem.detail) {
      failures.push(`${where}: not a problem document: ${res.body.slice(0, 200)}`);
      continue;
    }
    if (
      c.pointer !== undefined &&
      !problem.errors?.some((e: { pointer?: string }) => e.pointer === c.pointer)
    ) {
      failures.push(`${where}: no error at ${c.pointer}: ${JSON.stringify(problem.errors)}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(!t.logs().includes('"level":50'), 'no malformed request is logged as a server error');
});

test('a CSV with a broken quote names the line it starts on', async () => {
  await using t = await createTestApp();
  const body = multipart({}, { content: 'phone,name\n+4915112345678,Ana\n+4915112345679,"Bo\n' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts/import',
    headers: { ...t.auth, ...body.headers },
    payload: body.payload,
  });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().code, 'import.invalid_csv');
  assert.equal(res.json().errors[0].line, 3);
});

test('a JSON body that is not UTF-8 is refused with the offset of its first bad byte', async () => {
  await using t = await createTestApp();
  // Latin-1, as a Windows tool might send it: é is the single byte 0xE9.
  const body = Buffer.from('{"phone":"+4915112345678","name":"José"}', 'latin1');
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    headers: { ...t.auth, 'content-type': 'application/json' },
    payload: body,
  });
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().code, 'request.malformed_json');
  assert.match(res.json().detail, /not UTF-8: byte 0xE9 at offset 37/);
  assert.deepEqual((await call(t, 'GET', '/v1/contacts')).json().data, [], 'nothing stored as Jos\ufffd');

  const withBom = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    headers: { ...t.auth, 'content-type': 'application/json; charset=utf-8' },
    payload: Buffer.from('\ufeff{"phone":"+4915112345678","name":"José 😀"}'),
  });
  assert.equal(withBom.statusCode, 201, withBom.body);
  assert.equal(withBom.json().name, 'José 😀');
});

test('a body of a type the route does not take gets 415 naming the types it takes', async () => {
  await using t = await createTestApp();
  const send = (url: string, contentType: string, payload: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...t.auth, 'content-type': contentType }, payload });

  const xml = await send('/v1/contacts', 'application/xml', '<phone>+4915112345678</phone>');
  assert.equal(xml.statusCode, 415, xml.body);
  assert.equal(xml.json().code, 'request.unsupported_media_type');
  assert.equal(xml.json().detail, 'POST /v1/contacts takes application/json, not application/xml');

  // curl -d without a content type sends a form; the route says what it wants instead.
  const form = await send('/v1/templates', 'application/x-www-form-urlencoded', 'name=x');
  assert.equal(form.statusCode, 415, form.body);
  assert.match(form.json().detail, /takes application\/json, not application\/x-www-form-urlencoded/);

  // A type the app can read (CSV, plain text) on a JSON route is refused the same way,
  // rather than failing the schema with "body must be object".
  const csv = await send('/v1/contacts', 'text/csv', 'phone\n+4915112345678\n');
  assert.equal(csv.statusCode, 415, csv.body);
  assert.match(csv.json().detail, /takes application\/json, not text\/csv/);
  const text = await send('/v1/keys', 'text/plain', '{"name":"ci"}');
  assert.equal(text.statusCode, 415, text.body);

  const upload = await send('/v1/files', 'application/x-www-form-urlencoded', 'file=x');
  assert.equal(upload.statusCode, 415, upload.body);
  assert.match(upload.json().detail, /POST \/v1\/files takes multipart\/form-data, not/);
  assert.deepEqual((await call(t, 'GET', '/v1/contacts')).json().data, []);
});
