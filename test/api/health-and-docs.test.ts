import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/test-app.ts';

test('health and readiness answer without a key', async () => {
  await using t = await createTestApp();
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok' });
  const ready = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready', database: 'sqlite' });
});

test('readiness is 503 problem JSON once the database is gone', async () => {
  await using t = await createTestApp();
  await t.store.close();
  const ready = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().code, 'server.unavailable');
  t.store.close = async () => {};
});

test('the OpenAPI document is 3.1, covers the API and documents errors', async () => {
  await using t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const spec = res.json();
  assert.equal(spec.openapi, '3.1.0');
  for (const path of [
    '/v1/contacts',
    '/v1/contacts/import',
    '/v1/suppressions',
    '/v1/templates',
    '/v1/templates/{id}/preview',
    '/v1/keys',
  ]) {
    assert.ok(spec.paths[path], `missing ${path}`);
  }
  assert.ok(spec.components.schemas.Problem, 'Problem schema');
  assert.ok(spec.components.schemas.Contact, 'Contact schema');
  assert.ok(spec.paths['/v1/contacts'].post.responses['422'], 'errors are documented per route');
  assert.ok(spec.components.securitySchemes.bearer);
});

test("the docs page carries Kurir's title and mark, not the framework's", async () => {
  await using t = await createTestApp();
  const page = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<title>Kurir API<\/title>/);
  const icon = page.body.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/);
  assert.ok(icon, 'a favicon of our own');
  assert.doesNotMatch(page.body, /favicon-(16|32)x\1\.png/);
  const favicon = await t.app.inject({
    method: 'GET',
    url: new URL(icon?.[1] ?? '', 'http://kurir.test/docs/').pathname,
  });
  assert.equal(favicon.statusCode, 200);
  assert.equal(favicon.headers['content-type'], 'image/svg+xml');
  // The standalone layout's top bar shows the framework's logo; the base layout has none.
  const init = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.match(init.body, /const config = \{"layout":"BaseLayout"/);
  const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(spec.json().info.title, 'Kurir API');
});

test('a request id given by the caller is echoed, otherwise one is made', async () => {
  await using t = await createTestApp();
  const given = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(given.headers['x-request-id'], 'abc-123');
  const made = await t.app.inject({ method: 'GET', url: '/v1/contacts' });
  assert.match(String(made.headers['x-request-id']), /^req_/);
  assert.equal(made.json().requestId, made.headers['x-request-id']);
});
