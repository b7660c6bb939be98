import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp, multipart } from '../support/test-app.ts';

test('imports a CSV upload as a job and reports imported, updated and rejected rows by line', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    headers: t.auth,
    payload: { phone: '+4915112345678', name: 'Old' },
  });
  const csv = [
    '\ufeffMobile;Full Name;Groups;City',
    '0151 12345678;Ana;vip,berlin;Berlin',
    '+49 151 12345679;"Bo ""the boss""";;Hamburg',
    'not a phone;Cy;;',
    '0151 1234567;"Multi',
    'line name";;',
    '+4915112345680;Dee;;Köln',
  ].join('\r\n');
  const form = multipart(
    {
      onDuplicate: 'update',
      tags: 'imported',
      mapping: JSON.stringify({
        phone: 'Mobile',
        name: 'Full Name',
        tags: 'Groups',
        fields: { city: 'City' },
      }),
      tagSeparator: ',',
    },
    { content: csv },
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts/import',
    headers: { ...t.auth, ...form.headers },
    payload: form.payload,
  });
  assert.equal(res.statusCode, 202, res.body);
  assert.match(String(res.headers.location), /^\/v1\/contacts\/import\/imp_/);
  await t.importer.whenIdle();
  const job = (
    await t.app.inject({ method: 'GET', url: String(res.headers.location), headers: t.auth })
  ).json();
  assert.equal(job.status, 'completed', JSON.stringify(job));
  assert.deepEqual(job.counts, { imported: 2, updated: 1, skipped: 0, rejected: 2 });
  assert.deepEqual(job.progress, { totalRows: 5, processedRows: 5, percent: 100 });
  assert.deepEqual(
    job.rejections.map((r: { line: number }) => r.line),
    [4, 5],
  );
  assert.match(job.rejections[0].reason, /phone/);
  const ana = (await t.app.inject({ method: 'GET', url: '/v1/contacts?q=Ana', headers: t.auth })).json()
    .data[0];
  assert.equal(ana.phone, '+4915112345678');
  assert.deepEqual(ana.tags.sort(), ['berlin', 'imported', 'vip']);
  assert.deepEqual(ana.fields, { city: 'Berlin' });
  const bo = (await t.app.inject({ method: 'GET', url: '/v1/contacts?q=boss', headers: t.auth })).json()
    .data[0];
  assert.equal(bo.name, 'Bo "the boss"');
  const rejections = await t.app.inject({
    method: 'GET',
    url: `${res.headers.location}/rejections?limit=1`,
    headers: t.auth,
  });
  assert.equal(rejections.json().data.length, 1);
  assert.equal(rejections.json().nextAfterLine, 4);
});

test('a raw text/csv body with query options imports too and skip keeps stored contacts', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    headers: t.auth,
    payload: { phone: '+4915112345678', name: 'Keep me' },
  });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts/import?onDuplicate=skip',
    headers: { ...t.auth, 'content-type': 'text/csv' },
    payload: 'phone,name\n+4915112345678,Replaced?\n+4915112345679,New\n',
  });
  assert.equal(res.statusCode, 202, res.body);
  await t.importer.whenIdle();
  const job = (
    await t.app.inject({ method: 'GET', url: `/v1/contacts/import/${res.json().id}`, headers: t.auth })
  ).json();
  assert.deepEqual(job.counts, { imported: 1, updated: 0, skipped: 1, rejected: 0 });
  const kept = (await t.app.inject({ method: 'GET', url: '/v1/contacts?q=Keep', headers: t.auth })).json()
    .data;
  assert.equal(kept.length, 1);
});

test('an upload over the limit is refused and leaves no job behind', async () => {
  await using t = await createTestApp({ uploadLimitBytes: 1024 });
  const form = multipart({}, { content: `phone\n${'+4915112345678\n'.repeat(200)}` });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts/import',
    headers: { ...t.auth, ...form.headers },
    payload: form.payload,
  });
  assert.equal(res.statusCode, 413, res.body);
  assert.equal(res.json().code, 'file.too_large');
  assert.deepEqual(await t.store.jobs.unfinished(), []);
});
