import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOB, cloudApi, VERIFY_TOKEN } from './cloud-api-fixture.ts';
import { metaBytes, metaSignature } from './webhook-deliveries.ts';

const INBOUND_TEXT = 'Grüße aus Köln — ship to 東京? 👍';

async function signedInbound(t: Awaited<ReturnType<typeof cloudApi>>, body = INBOUND_TEXT) {
  const payload = t.graph.payload(t.graph.phoneNumberId, {
    messages: [
      { from: BOB.slice(1), id: 'wamid.in1', timestamp: '1767603600', type: 'text', text: { body } },
    ],
  });
  const rawBody = metaBytes(payload);
  return { payload, rawBody, signature: metaSignature(t.graph.appSecret, rawBody) };
}

test('a delivery signed over its raw bytes is read, non-ASCII text included', async () => {
  await using t = await cloudApi();
  const { rawBody, signature } = await signedInbound(t);
  assert.ok(rawBody.toString('utf8').includes('\\u00fc'), 'Meta escapes non-ASCII characters');
  const outcome = await t.driver.receiveWebhook(rawBody, { 'x-hub-signature-256': signature });
  assert.deepEqual(outcome, { signatureOk: true });
  const inbound = await t.events.waitFor('inbound');
  assert.equal(inbound.text, INBOUND_TEXT);
});

test('the signature covers the bytes as sent, not the JSON re-serialised', async () => {
  await using t = await cloudApi();
  const { payload, signature } = await signedInbound(t);
  const reserialised = Buffer.from(JSON.stringify(payload), 'utf8');
  const outcome = await t.driver.receiveWebhook(reserialised, { 'x-hub-signature-256': signature });
  assert.deepEqual(outcome, { signatureOk: false });
  assert.deepEqual(t.events.events, []);
});

test('a wrong, malformed or missing signature reads nothing and logs no body', async () => {
  await using t = await cloudApi();
  const { rawBody, signature } = await signedInbound(t, 'secret order 4711');
  const wrongSecret = metaSignature('another-app-secret', rawBody);
  const tampered = Buffer.from(rawBody.toString('utf8').replace('4711', '4712'));
  for (const headers of [
    { 'x-hub-signature-256': wrongSecret },
    { 'x-hub-signature-256': signature.replace('sha256=', 'sha1=') },
    { 'x-hub-signature-256': 'sha256=abc' },
    { 'x-hub-signature-256': '' },
    {},
  ]) {
    assert.deepEqual(
      await t.driver.receiveWebhook(rawBody, headers),
      { signatureOk: false },
      JSON.stringify(headers),
    );
  }
  assert.deepEqual(await t.driver.receiveWebhook(tampered, { 'x-hub-signature-256': signature }), {
    signatureOk: false,
  });
  assert.deepEqual(t.events.events, []);
  assert.match(t.logs(), /without a valid signature/);
  assert.doesNotMatch(t.logs(), /4711|4712|secret order/);
});

test('the header is found whatever its case', async () => {
  await using t = await cloudApi();
  const { rawBody, signature } = await signedInbound(t);
  assert.deepEqual(await t.driver.receiveWebhook(rawBody, { 'X-Hub-Signature-256': signature }), {
    signatureOk: true,
  });
});

test('the subscription handshake echoes the challenge only for subscribe with our token', async () => {
  await using t = await cloudApi();
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' };
  assert.equal(t.driver.verifyWebhook(query), '1158201444');
  assert.equal(t.driver.verifyWebhook({ ...query, 'hub.verify_token': 'guess' }), null);
  assert.equal(t.driver.verifyWebhook({ ...query, 'hub.verify_token': `${VERIFY_TOKEN}x` }), null);
  assert.equal(t.driver.verifyWebhook({ ...query, 'hub.mode': 'unsubscribe' }), null);
  assert.equal(t.driver.verifyWebhook({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }), null);
  assert.equal(t.driver.verifyWebhook({}), null);
});
