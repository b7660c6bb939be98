import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { DriverEvent } from '../../../src/drivers/driver.ts';
import { ALICE, BOB, cloudApi, text, VERIFY_TOKEN } from './cloud-api-fixture.ts';
import { metaBytes, metaSignature, webhookUrl } from './webhook-deliveries.ts';
import { webhookRoute } from './webhook-route.ts';

const receipts = (events: readonly DriverEvent[]) => events.flatMap((e) => (e.type === 'receipt' ? [e] : []));

test('a status comes back under the part id sent as biz_opaque_callback_data', async () => {
  await using t = await cloudApi();
  await t.connected();
  const sent = await t.driver.send(text('msg_01J-part-0'));
  assert.ok(sent.ok);
  assert.equal(t.lastBody().biz_opaque_callback_data, 'msg_01J-part-0');
  const [message] = t.graph.messages;
  assert.equal(message?.wamid, sent.providerId);
  await t.graph.sendStatuses([{ message: message!, status: 'delivered' }]);
  const receipt = await t.events.waitFor('receipt');
  assert.deepEqual(receipt, {
    type: 'receipt',
    messageId: 'msg_01J-part-0',
    status: 'delivered',
    at: Math.floor(t.clock.now() / 1000) * 1000,
  });
});

test('statuses out of order and twice are passed on as they come; sent gives nothing', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.driver.send(text('m1'));
  const message = t.graph.messages[0]!;
  await t.graph.sendStatuses([{ message, status: 'read' }]);
  await t.graph.sendStatuses([{ message, status: 'sent' }]);
  await t.graph.sendStatuses([
    { message, status: 'delivered' },
    { message, status: 'read' },
  ]);
  await t.graph.sendStatuses([{ message, status: 'delivered' }]);
  assert.equal(await t.graph.webhooks.repeat(), 200, 'the same bytes again are acknowledged again');
  assert.deepEqual(
    receipts(t.events.events).map((r) => `${r.messageId}:${r.status}`),
    ['m1:read', 'm1:delivered', 'm1:read', 'm1:delivered', 'm1:delivered'],
  );
});

test('a failed status carries its error classified', async () => {
  await using t = await cloudApi();
  await t.connected();
  t.graph.failRecipient(BOB, 131047, 'status');
  assert.equal((await t.driver.send(text('m-late', 'hi', BOB))).ok, true, 'Meta accepts first');
  await t.graph.deliverAndRead();
  const failed = await t.events.waitFor('receipt');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.kind, 'permanent');
  assert.equal(failed.error?.code, 'outside_window');
});

test('a failed status for a locked account bans the sender', async () => {
  await using t = await cloudApi();
  await t.connected();
  t.graph.failRecipient(BOB, 131031, 'status');
  await t.driver.send(text('m-locked', 'hi', BOB));
  await t.graph.deliverAndRead();
  await t.events.waitFor('banned');
  const refused = await t.driver.send(text('m-next'));
  assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'banned');
});

test('statuses of other numbers and of messages not sent by Kurir are ignored', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.driver.send(text('m-ours'));
  const message = t.graph.messages[0]!;
  await t.graph.sendStatuses([{ message, status: 'read' }], '999999999999999');
  await t.graph.inbound(BOB, 'for another number', { phoneNumberId: '999999999999999' });
  const foreign = { ...message, body: { ...message.body, biz_opaque_callback_data: undefined } };
  await t.graph.sendStatuses([{ message: foreign, status: 'read' }]);
  await t.graph.sendStatuses([{ message, status: 'delivered' }]);
  await t.events.waitFor('receipt');
  assert.deepEqual(t.events.types().slice(1), ['receipt'], 'only the last delivery was for us');
});

test('inbound messages: sender in E.164, text or caption, reply context', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.driver.send(text('m-question', 'Which size?', BOB));
  const question = t.graph.messages[0]!;
  await t.graph.inbound(BOB, 'Medium, please', { replyTo: question.wamid });
  await t.graph.webhooks.deliver(
    t.graph.payload(t.graph.phoneNumberId, {
      messages: [
        {
          from: BOB.slice(1),
          id: 'wamid.img',
          timestamp: '1767603700',
          type: 'image',
          image: { id: '1', caption: 'this one' },
        },
        {
          from: BOB.slice(1),
          id: 'wamid.btn',
          timestamp: '1767603701',
          type: 'button',
          button: { text: 'STOP' },
        },
        {
          from: BOB.slice(1),
          id: 'wamid.sys',
          timestamp: '1767603702',
          type: 'system',
          system: { body: 'changed' },
        },
      ],
    }),
  );
  const inbound = t.events.events.filter((e) => e.type === 'inbound');
  assert.deepEqual(
    inbound.map((e) => ({ from: e.from, text: e.text, inReplyTo: e.inReplyTo })),
    [
      { from: BOB, text: 'Medium, please', inReplyTo: question.wamid },
      { from: BOB, text: 'this one', inReplyTo: undefined },
      { from: BOB, text: 'STOP', inReplyTo: undefined },
    ],
  );
  assert.deepEqual(
    inbound.slice(1).map((e) => [e.id, e.at]),
    [
      ['wamid.img', 1_767_603_700_000],
      ['wamid.btn', 1_767_603_701_000],
    ],
  );
});

test('a delivery resolves only once every listener resolved, and rejects when one rejected', async () => {
  await using t = await cloudApi();
  await t.connected();
  const stored = Promise.withResolvers<void>();
  let failing = true;
  t.driver.onEvent(async (event) => {
    if (event.type !== 'inbound') return;
    await stored.promise;
    if (failing) throw new Error('the store was busy');
  });
  let settled = false;
  const first = t.graph.inbound(BOB, 'hello').finally(() => {
    settled = true;
  });
  await t.events.waitFor('inbound');
  assert.equal(settled, false, 'not acknowledged while the listener is storing');
  stored.resolve();
  assert.equal(await first, 500, 'a rejected listener leaves the delivery unacknowledged');
  failing = false;
  assert.equal(await t.graph.inbound(BOB, 'again'), 200);
});

test('closing fails deliveries still being stored, and a closed driver takes none', async () => {
  await using t = await cloudApi();
  await t.connected();
  t.driver.onEvent((event) => (event.type === 'inbound' ? new Promise<void>(() => {}) : undefined));
  const pending = t.graph.inbound(BOB, 'stuck');
  await t.events.waitFor('inbound');
  await t.driver.close();
  assert.equal(await pending, 500);
  assert.equal(await t.graph.inbound(BOB, 'after close'), 500);
  assert.equal(t.events.events.filter((e) => e.type === 'inbound').length, 1);
});

test('a signed delivery that is not JSON is acknowledged and reads nothing', async () => {
  await using t = await cloudApi();
  const rawBody = Buffer.from('not json at all');
  const outcome = await t.driver.receiveWebhook(rawBody, {
    'x-hub-signature-256': metaSignature(t.graph.appSecret, rawBody),
  });
  assert.deepEqual(outcome, { signatureOk: true });
  assert.deepEqual(t.events.events, []);
});

test('the webhook route answers the handshake and deliveries with the statuses Meta expects', async () => {
  await using t = await cloudApi();
  await t.connected();
  const route = Fastify({ logger: false });
  await route.register(webhookRoute, { receiverFor: (id) => (id === 'snd_1' ? t.driver : null) });
  const base = `${await route.listen({ port: 0, host: '127.0.0.1' })}/webhooks/cloud-api`;
  try {
    const handshake = await fetch(
      `${base}/snd_1?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=8472`,
    );
    assert.deepEqual([handshake.status, await handshake.text()], [200, '8472']);
    assert.equal(
      (await fetch(`${base}/snd_1?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`)).status,
      403,
    );
    assert.equal((await fetch(`${base}/snd_2?hub.mode=subscribe`)).status, 404);

    const payload = t.graph.payload(t.graph.phoneNumberId, {
      messages: [
        {
          from: ALICE.slice(1),
          id: 'wamid.r',
          timestamp: '1767603600',
          type: 'text',
          text: { body: 'Ça va?' },
        },
      ],
    });
    const post = webhookUrl(`${base}/snd_1`);
    const rawBody = metaBytes(payload);
    const signal = new AbortController().signal;
    const signed = {
      'content-type': 'application/json',
      'x-hub-signature-256': metaSignature(t.graph.appSecret, rawBody),
    };
    assert.equal(await post(rawBody, signed, signal), 200);
    assert.equal((await t.events.waitFor('inbound')).text, 'Ça va?');
    assert.equal(await post(rawBody, { ...signed, 'x-hub-signature-256': 'sha256=00' }, signal), 401);
    t.driver.onEvent(() => Promise.reject(new Error('store down')));
    assert.equal(await post(rawBody, signed, signal), 500);
  } finally {
    await route.close();
  }
});
