import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/test-app.ts';

test('a new key works at once, is listed by prefix only, and stops working when revoked', async () => {
  await using t = await createTestApp();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: t.auth,
    payload: { name: 'ci' },
  });
  assert.equal(created.statusCode, 201);
  const { secret, id, prefix } = created.json();
  assert.match(secret, /^kur_[A-Za-z0-9]{40}$/);
  assert.ok(secret.startsWith(prefix));

  const viaHeader = await t.app.inject({
    method: 'GET',
    url: '/v1/contacts',
    headers: { 'x-api-key': secret },
  });
  assert.equal(viaHeader.statusCode, 200);
  const list = await t.app.inject({ method: 'GET', url: '/v1/keys', headers: t.auth });
  assert.equal(list.json().data.length, 2);
  assert.ok(!list.body.includes(secret), 'the list never shows a secret');
  assert.ok(
    list
      .json()
      .data.some((k: { lastUsedAt: string | null; id: string }) => k.id === id && k.lastUsedAt !== null),
  );

  assert.equal(
    (await t.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: t.auth })).statusCode,
    204,
  );
  const after = await t.app.inject({
    method: 'GET',
    url: '/v1/contacts',
    headers: { authorization: `Bearer ${secret}` },
  });
  assert.equal(after.statusCode, 401);
  assert.equal(after.json().code, 'auth.invalid_key');
});

test('the last live key cannot be revoked', async () => {
  await using t = await createTestApp();
  const keys = (await t.app.inject({ method: 'GET', url: '/v1/keys', headers: t.auth })).json().data;
  const res = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${keys[0].id}`, headers: t.auth });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'key.last_key');
});

test('requests without a key are refused and the problem says how to send one', async () => {
  await using t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/v1/contacts' });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().code, 'auth.missing_key');
  assert.match(res.json().detail, /Bearer/);
});

test('API keys and request headers never reach the logs', async () => {
  await using t = await createTestApp();
  const secret = t.auth.authorization.slice('Bearer '.length);
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: t.auth,
    payload: { name: 'x' },
  });
  await t.app.inject({
    method: 'GET',
    url: '/v1/contacts?q=a',
    headers: { 'x-api-key': created.json().secret },
  });
  await t.app.inject({
    method: 'GET',
    url: '/v1/contacts',
    headers: { authorization: 'Bearer kur_planted_not_a_real_key_0123456789' },
  });
  t.app.log.info(
    { token: 'planted-token-1', secret: 'planted-secret-2', nested: { accessToken: 'planted-3' } },
    'planted',
  );
  const logs = t.logs();
  assert.ok(logs.includes('planted'), 'the planted record was logged');
  for (const s of [
    secret,
    created.json().secret,
    'kur_planted_not_a_real_key',
    'planted-token-1',
    'planted-secret-2',
    'planted-3',
  ]) {
    assert.ok(!logs.includes(s), `log contains ${s}`);
  }
});
