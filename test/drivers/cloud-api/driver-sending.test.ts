import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { MessagePart } from '../../../src/drivers/driver.ts';
import { ALICE, cloudApi, text } from './cloud-api-fixture.ts';

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: ALICE.slice(1) };

test('a text part is posted with the bearer token, digits for `to` and the part id as callback data', async () => {
  await using t = await cloudApi();
  await t.connected();
  const result = await t.driver.send(text('p-1', 'Hallo Alice'));
  assert.deepEqual(result, { ok: true, providerId: t.graph.messages[0]?.wamid });
  assert.match(t.graph.messages[0]?.wamid ?? '', /^wamid\./);
  assert.deepEqual(t.lastBody(), {
    ...base,
    biz_opaque_callback_data: 'p-1',
    type: 'text',
    text: { body: 'Hallo Alice' },
  });
  const request = t.graph.requests.at(-1);
  assert.equal(request?.path, `/${t.graph.phoneNumberId}/messages`);
  assert.equal(request?.authorization, `Bearer ${t.graph.accessToken}`);
});

test('media goes by link, or by id for cloud-api-media: urls; documents keep their file name', async () => {
  await using t = await cloudApi();
  await t.connected();
  const media = (id: string, type: MessagePart['type'], url: string, caption?: string, fileName?: string) =>
    t.driver.send({
      id,
      to: ALICE,
      type,
      ...(caption === undefined ? {} : { text: caption }),
      media: { url, ...(fileName === undefined ? {} : { fileName }) },
    });
  assert.ok((await media('p-img', 'image', 'https://cdn.test/a.jpg', 'a picture', 'a.jpg')).ok);
  assert.deepEqual(t.lastBody().image, { link: 'https://cdn.test/a.jpg', caption: 'a picture' });
  assert.ok((await media('p-vid', 'video', 'cloud-api-media:1234567890', 'a film')).ok);
  assert.deepEqual(t.lastBody().video, { id: '1234567890', caption: 'a film' });
  assert.ok((await media('p-doc', 'document', 'https://cdn.test/t.pdf', 'the terms', 'Terms 2026.pdf')).ok);
  assert.deepEqual(t.lastBody().document, {
    link: 'https://cdn.test/t.pdf',
    caption: 'the terms',
    filename: 'Terms 2026.pdf',
  });
  assert.ok((await media('p-aud', 'audio', 'https://cdn.test/a.ogg', undefined, 'a.ogg')).ok);
  assert.deepEqual(t.lastBody().audio, { link: 'https://cdn.test/a.ogg' });
  assert.equal(t.lastBody().type, 'audio');
});

test('refuses what Meta would refuse without calling it: audio with a caption, media without a source', async () => {
  await using t = await cloudApi();
  await t.connected();
  const before = t.graph.requests.length;
  const captioned = await t.driver.send({
    id: 'p-a',
    to: ALICE,
    type: 'audio',
    text: 'listen',
    media: { url: 'https://cdn.test/a.ogg' },
  });
  assert.equal(captioned.ok ? 'accepted' : captioned.error.code, 'audio_caption');
  const noSource = await t.driver.send({
    id: 'p-b',
    to: ALICE,
    type: 'image',
    media: { url: 'ftp://x/a.jpg' },
  });
  assert.equal(noSource.ok ? 'accepted' : noSource.error.kind, 'permanent');
  const badPhone = await t.driver.send(text('p-c', 'hi', '4915200000002'));
  assert.equal(badPhone.ok ? 'accepted' : badPhone.error.kind, 'invalid_recipient');
  assert.equal(t.graph.requests.length, before);
});

test('a local file is uploaded once and then sent by its media id', async (ctx) => {
  await using t = await cloudApi();
  await t.connected();
  const dir = await mkdtemp(path.join(tmpdir(), 'kurir-cloud-api-'));
  ctx.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'fil_01J');
  await writeFile(file, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100)]));
  const part = (id: string): MessagePart => ({
    id,
    to: ALICE,
    type: 'document',
    text: 'your invoice',
    media: { url: file, fileName: 'invoice.pdf' },
  });
  assert.ok((await t.driver.send(part('p-1'))).ok);
  assert.ok((await t.driver.send(part('p-2'))).ok);
  assert.equal(t.graph.uploads.length, 1);
  const [upload] = t.graph.uploads;
  assert.deepEqual(upload, { id: upload?.id, type: 'application/pdf', fileName: 'invoice.pdf', size: 109 });
  assert.deepEqual(t.lastBody().document, {
    id: upload?.id,
    caption: 'your invoice',
    filename: 'invoice.pdf',
  });
  const missing = await t.driver.send({ ...part('p-3'), media: { url: path.join(dir, 'gone') } });
  assert.equal(missing.ok ? 'accepted' : missing.error.code, 'media_unreadable');
});

test('a template part is sent as a template, whatever its text', async () => {
  await using t = await cloudApi();
  await t.connected();
  const components = [
    { type: 'header' as const, parameters: [{ type: 'image', image: { link: 'https://cdn.test/h.jpg' } }] },
    { type: 'body' as const, parameters: [{ type: 'text', text: 'Ada' }] },
  ];
  const result = await t.driver.send({
    ...text('p-tpl', 'Hi Ada, your order shipped'),
    template: { name: 'order_shipped', language: 'en_US', components },
  });
  assert.ok(result.ok);
  assert.deepEqual(t.lastBody(), {
    ...base,
    biz_opaque_callback_data: 'p-tpl',
    type: 'template',
    template: { name: 'order_shipped', language: { code: 'en_US' }, components },
  });
});

test('a send without an answer in time is retryable and uncertain: Meta may have it', async () => {
  await using t = await cloudApi({ requestTimeoutMs: 10_000 });
  await t.connected();
  t.graph.stallAnswers();
  const from = t.graph.requests.length;
  const sending = t.driver.send(text('p-slow'));
  await t.graph.nextRequest((r) => r.path.endsWith('/messages'), from);
  t.clock.advance(10_000);
  const result = await sending;
  assert.deepEqual(
    result.ok
      ? null
      : { kind: result.error.kind, code: result.error.code, uncertain: result.error.uncertain },
    {
      kind: 'retryable',
      code: 'timeout',
      uncertain: true,
    },
  );
  assert.equal(t.graph.receivedBy(ALICE).length, 1, 'the stand-in took it: only a status can tell');
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, true);
});

test('a send that could not connect is retryable and certain: nothing left', async () => {
  await using t = await cloudApi();
  await t.connected();
  await t.graph.goOffline();
  const result = await t.driver.send(text('p-offline'));
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.uncertain], ['retryable', undefined]);
  await t.events.waitFor('disconnected');
  const meanwhile = await t.driver.send(text('p-meanwhile'));
  assert.equal(meanwhile.ok ? 'accepted' : meanwhile.error.code, 'offline', 'refused without a call');
  await t.graph.goOnline();
});

test('an expired token refuses the send as retryable and disconnects, saying to renew the token', async () => {
  await using t = await cloudApi();
  await t.connected();
  t.graph.expireToken();
  const result = await t.driver.send(text('p-expired'));
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.code], ['retryable', '190']);
  const lost = await t.events.waitFor('disconnected');
  assert.equal(lost.willReconnect, false);
  assert.match(lost.reason, /access token.*renew/);
  const requests = t.graph.requests.length;
  const next = await t.driver.send(text('p-next'));
  assert.deepEqual(next.ok ? null : [next.error.kind, next.error.code], ['retryable', '190']);
  assert.equal(t.graph.requests.length, requests, 'no call with a token known to be refused');
});

test('a policy block bans the sender and refuses later sends without calling Meta', async () => {
  await using t = await cloudApi();
  await t.connected();
  t.graph.failNext(368);
  const result = await t.driver.send(text('p-blocked'));
  assert.equal(result.ok ? 'accepted' : result.error.kind, 'banned');
  const banned = await t.events.waitFor('banned');
  assert.match(banned.reason, /blocked/);
  const requests = t.graph.requests.length;
  assert.equal((await t.driver.send(text('p-next'))).ok, false);
  assert.equal(t.graph.requests.length, requests);
});
