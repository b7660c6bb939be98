import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloudApi, text } from './cloud-api-fixture.ts';

test('connect checks the token with a cheap call and reports the number in E.164', async () => {
  await using t = await cloudApi();
  await t.driver.connect();
  assert.deepEqual(await t.events.waitFor('connected'), { type: 'connected', phone: '+4915100000001' });
  assert.deepEqual(
    t.graph.requests.map((r) => `${r.method} ${r.path}`),
    [`GET /${t.graph.phoneNumberId}?fields=display_phone_number`],
  );
  assert.deepEqual(t.driver.capabilities, { idempotentIds: false, maxPerSecond: 80, typing: false });
  assert.equal(t.driver.kind, 'cloud-api');
});

test('an expired token on connect is disconnected without reconnecting, naming the fix', async () => {
  await using t = await cloudApi();
  t.graph.expireToken();
  await t.driver.connect();
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, false);
  assert.match(lost.reason, /access token is expired or invalid; renew it/);
  assert.equal(t.clock.pendingTimers, 0, 'no retries with a refused token');
});

test('a wrong phone number id is disconnected without reconnecting, with Meta’s reason', async () => {
  await using t = await cloudApi({ phoneNumberId: '111111111111111' });
  await t.driver.connect();
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, false);
  assert.match(lost.reason, /Graph 100: Object with ID '111111111111111' does not exist/);
});

test('Meta unreachable on connect: disconnected, then checks backing off until it answers', async () => {
  await using t = await cloudApi();
  await t.graph.goOffline();
  await t.driver.connect();
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, true);
  await t.logged(/"checkInMs":1000/);
  t.clock.advance(1000);
  await t.logged(/"checkInMs":2000/);
  t.clock.advance(2000);
  await t.logged(/"checkInMs":4000/);
  t.clock.advance(4000);
  await t.logged(/"checkInMs":8000/);
  assert.deepEqual(t.events.types(), ['disconnected'], 'one disconnected for the whole outage');
  await t.graph.goOnline();
  t.clock.advance(8000);
  await t.events.waitFor('connected');
  assert.deepEqual(t.events.types(), ['disconnected', 'connected']);
  assert.equal(t.clock.pendingTimers, 0);
});

test('a 5xx or rate limit on connect retries like an outage', async () => {
  await using t = await cloudApi();
  t.graph.failNext(131016);
  await t.driver.connect();
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, true);
  assert.match(lost.reason, /unavailable/);
  t.clock.advance(1000);
  await t.events.waitFor('connected');
});

test('connecting a connected driver calls nothing; connecting a refused one checks again', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.driver.connect();
  assert.equal(t.graph.requests.length, 1);
  await t.driver.logout();
  await t.driver.connect();
  await t.events.waitFor('connected', () => true, 2);
  assert.deepEqual(t.events.types(), ['connected', 'disconnected', 'connected']);
});

test('logout stops the session: disconnected by the user, sends refused as logged_out', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.driver.logout();
  assert.deepEqual(t.events.events.at(-1), {
    type: 'disconnected',
    reason: 'logged out by user',
    willReconnect: false,
  });
  const refused = await t.driver.send(text('p-1'));
  assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'logged_out');
  assert.equal(t.graph.messages.length, 0);
});

test('close stops the reconnect timer, is safe twice, and a closed driver cannot connect', async () => {
  await using t = await cloudApi();
  await t.graph.goOffline();
  await t.driver.connect();
  await t.events.waitFor('disconnected');
  assert.equal(t.clock.pendingTimers, 1);
  await t.driver.close();
  await t.driver.close();
  assert.equal(t.clock.pendingTimers, 0);
  await assert.rejects(t.driver.connect(), /closed/);
  const refused = await t.driver.send(text('p-closed'));
  assert.equal(refused.ok ? 'accepted' : refused.error.code, 'closed');
});

test('a session event a listener failed on is announced again', async () => {
  await using t = await cloudApi();
  let failures = 0;
  t.driver.onEvent(() => {
    if (failures++ === 0) throw new Error('the store was busy');
  });
  await t.connected();
  await t.logged(/announcing again/);
  t.clock.advance(1000);
  await t.events.waitFor('connected', () => true, 1);
  assert.equal(failures, 2);
});
