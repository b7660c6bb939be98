import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestApp } from '../support/test-app.ts';

test('creates a contact with a national number read in the default country', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  const res = await call(t, 'POST', '/v1/contacts', {
    phone: '0151 1234 5678',
    name: '  Ana Lima ',
    tags: ['VIP', ' vip ', 'Berlin'],
    status: 'Customer',
    fields: { city: 'Berlin', orders: 3 },
    consent: { source: 'web form' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const c = res.json();
  assert.equal(c.phone, '+4915112345678');
  assert.equal(c.name, 'Ana Lima');
  assert.deepEqual(c.tags, ['vip', 'berlin']);
  assert.equal(c.status, 'customer');
  assert.deepEqual(c.fields, { city: 'Berlin', orders: 3 });
  assert.equal(c.consent.source, 'web form');
  assert.equal(c.consent.optedInAt, new Date(t.clock.now()).toISOString());
  assert.equal(c.suppressed, false);
  const again = await call(t, 'GET', `/v1/contacts/${c.id}`);
  assert.deepEqual(again.json(), c);
});

test('rejects a second contact with the same phone in any spelling', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  assert.equal((await call(t, 'POST', '/v1/contacts', { phone: '+49 151 12345678' })).statusCode, 201);
  const dup = await call(t, 'POST', '/v1/contacts', { phone: '0049 (151) 1234-5678' });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().code, 'contact.duplicate_phone');
  assert.equal(dup.json().errors[0].pointer, '/phone');
});

test('a national number without a default country is refused with the reason', async () => {
  await using t = await createTestApp({ defaultCountry: null });
  const res = await call(t, 'POST', '/v1/contacts', { phone: '0151 12345678' });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().code, 'contact.invalid_phone');
  assert.match(res.json().errors[0].detail, /no country code/);
  await call(t, 'PATCH', '/v1/workspace', { defaultCountry: 'de' });
  const retried = await call(t, 'POST', '/v1/contacts', { phone: '0151 12345678' });
  assert.equal(retried.statusCode, 201, retried.body);
});

test('patch merges fields, edits tags and keeps what it was not given', async () => {
  await using t = await createTestApp();
  const c = (
    await call(t, 'POST', '/v1/contacts', {
      phone: '+4915112345678',
      name: 'Ana',
      tags: ['a', 'b'],
      fields: { x: '1', y: '2' },
    })
  ).json();
  const res = await call(t, 'PATCH', `/v1/contacts/${c.id}`, {
    fields: { y: null, z: true },
    addTags: ['c'],
    removeTags: ['a'],
  });
  assert.equal(res.statusCode, 200, res.body);
  const p = res.json();
  assert.deepEqual(p.fields, { x: '1', z: true });
  assert.deepEqual(p.tags, ['b', 'c']);
  assert.equal(p.name, 'Ana');
  const missing = await call(t, 'PATCH', '/v1/contacts/ct_00000000000000000000000000', { name: 'x' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'contact.not_found');
});

test('lists with search, tag, status and field filters and walks pages with the cursor', async () => {
  await using t = await createTestApp();
  for (let i = 0; i < 12; i++) {
    t.clock.advance(1);
    await call(t, 'POST', '/v1/contacts', {
      phone: `+49151123456${String(i).padStart(2, '0')}`,
      name: i % 2 === 0 ? `Even ${i}` : `Odd ${i}`,
      tags: i % 3 === 0 ? ['three'] : [],
      status: i < 4 ? 'customer' : 'prospect',
      fields: { city: i % 4 === 0 ? 'Berlin' : 'Hamburg' },
    });
  }
  const list = async (q: string) => (await call(t, 'GET', `/v1/contacts?${q}`)).json();
  assert.equal((await list('q=even')).data.length, 6);
  assert.equal((await list('tag=three')).data.length, 4);
  assert.equal((await list('status=customer')).data.length, 4);
  assert.equal((await list('field.city=Berlin')).data.length, 3);
  assert.equal((await list('field.city=Berlin&tag=three')).data.length, 1);

  const seen: string[] = [];
  let cursor = '';
  for (;;) {
    const page = await list(`limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...page.data.map((c: { phone: string }) => c.phone));
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  assert.equal(seen.length, 12);
  assert.equal(new Set(seen).size, 12);
  assert.equal(seen[0], '+4915112345611', 'newest first');
});

test('a suppressed phone shows on its contact', async () => {
  await using t = await createTestApp();
  const c = (await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678' })).json();
  await call(t, 'POST', '/v1/suppressions', { phone: '+49 151 12345678', reason: 'opt_out' });
  assert.equal((await call(t, 'GET', `/v1/contacts/${c.id}`)).json().suppressed, true);
});

test('bulk delete by ids and by filter reports how many went', async () => {
  await using t = await createTestApp();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push(
      (
        await call(t, 'POST', '/v1/contacts', { phone: `+4915112345${600 + i}`, tags: i < 2 ? ['old'] : [] })
      ).json().id,
    );
  }
  const byIds = await call(t, 'POST', '/v1/contacts/bulk-delete', {
    ids: [ids[4], 'ct_00000000000000000000000000'],
  });
  assert.deepEqual(byIds.json(), { deleted: 1 });
  const byFilter = await call(t, 'POST', '/v1/contacts/bulk-delete', { filter: { tags: ['old'] } });
  assert.deepEqual(byFilter.json(), { deleted: 2 });
  assert.equal((await call(t, 'GET', '/v1/contacts')).json().data.length, 2);
  assert.equal((await call(t, 'DELETE', `/v1/contacts/${ids[2]}`)).statusCode, 204);
  assert.equal((await call(t, 'DELETE', `/v1/contacts/${ids[2]}`)).statusCode, 404);
});

test('exports contacts as CSV with formulas neutralised and phones intact', async () => {
  await using t = await createTestApp();
  await call(t, 'POST', '/v1/contacts', {
    phone: '+4915112345678',
    name: '=HYPERLINK("http://evil")',
    fields: { note: '@cmd' },
  });
  const res = await call(t, 'GET', '/v1/contacts/export');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/csv/);
  assert.ok(res.body.includes('+4915112345678'));
  assert.ok(res.body.includes(`'=HYPERLINK`), res.body);
  assert.ok(res.body.includes(`'@cmd`), res.body);
});
