import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/test-app.ts';

test('suppresses a phone once, lists, filters, exports and removes it', async () => {
  await using t = await createTestApp({ defaultCountry: 'DE' });
  const add = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/v1/suppressions', headers: t.auth, payload });
  const first = await add({ phone: '0151 12345678', reason: 'opt_out', note: 'replied STOP' });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().phone, '+4915112345678');
  const dup = await add({ phone: '+4915112345678' });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().code, 'suppression.duplicate');
  await add({ phone: '+4915112345679', reason: 'blocklist' });
  await add({ phone: '+4915112345680' });

  const list = await t.app.inject({ method: 'GET', url: '/v1/suppressions?reason=opt_out', headers: t.auth });
  assert.deepEqual(
    list.json().data.map((s: { phone: string }) => s.phone),
    ['+4915112345678'],
  );
  const manual = await t.app.inject({
    method: 'GET',
    url: '/v1/suppressions?reason=manual',
    headers: t.auth,
  });
  assert.equal(manual.json().data[0].phone, '+4915112345680', 'manual is the default reason');

  const csv = await t.app.inject({ method: 'GET', url: '/v1/suppressions/export', headers: t.auth });
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.body.trim().split('\n').length, 4, csv.body);
  assert.ok(csv.body.includes('replied STOP'));

  const id = first.json().id;
  assert.equal(
    (await t.app.inject({ method: 'DELETE', url: `/v1/suppressions/${id}`, headers: t.auth })).statusCode,
    204,
  );
  assert.equal(
    (await t.app.inject({ method: 'GET', url: `/v1/suppressions/${id}`, headers: t.auth })).statusCode,
    404,
  );
});
