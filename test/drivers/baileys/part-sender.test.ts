import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessagePart } from '../../../src/drivers/driver.ts';
import { ALICE, BOB, driverFixture, settle, text } from './driver-fixture.ts';
import { boom } from './fake-socket.ts';

const media = (type: MessagePart['type'], url: string, caption?: string): MessagePart => ({
  id: `p-${type}`,
  to: ALICE,
  type,
  ...(caption === undefined ? {} : { text: caption }),
  media: { url, mimeType: type === 'document' ? 'application/pdf' : undefined, fileName: 'terms.pdf' },
});

test('every part type goes to the number’s jid with the part id as the WhatsApp id', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  const parts = [
    text('p-text', ALICE, 'Hallo'),
    media('image', 'https://files.test/a.jpg', 'a picture'),
    media('video', 'https://files.test/a.mp4'),
    media('audio', 'https://files.test/a.ogg', 'no caption for voice'),
    media('document', 'https://files.test/t.pdf', 'the terms'),
  ];
  for (const part of parts) assert.deepEqual(await driver.send(part), { ok: true, providerId: part.id });
  assert.deepEqual(
    f.network.sent.map(({ jid, content, options }) => ({ jid, content, options })),
    [
      { text: 'Hallo' },
      { image: { url: 'https://files.test/a.jpg' }, caption: 'a picture' },
      { video: { url: 'https://files.test/a.mp4' } },
      { audio: { url: 'https://files.test/a.ogg' }, ptt: true, mimetype: 'audio/ogg; codecs=opus' },
      {
        document: { url: 'https://files.test/t.pdf' },
        mimetype: 'application/pdf',
        fileName: 'terms.pdf',
        caption: 'the terms',
      },
    ].map((content, i) => ({
      jid: '4915200000002@s.whatsapp.net',
      content,
      options: { messageId: parts[i]?.id },
    })),
  );
  assert.deepEqual(f.network.lookups, [[ALICE]], 'the number was looked up once');
});

test('a re-sent part keeps its id, and the recipient holds it once', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await driver.send(text('m-twice'));
  await driver.send(text('m-twice'));
  assert.equal(f.network.sent.length, 2);
  assert.deepEqual(
    f.network.received(ALICE).map((m) => m.id),
    ['m-twice'],
  );
});

test('a number without WhatsApp is refused without sending', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  f.network.unregister(BOB);
  const result = await driver.send(text('m-nobody', BOB));
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.uncertain], [
    'not_on_whatsapp',
    undefined,
  ]);
  assert.deepEqual(f.network.sent, []);
});

test('a part goes to the account WhatsApp named for the number, and a reply from it reads as that number', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  const brazil = '+5511987654321';
  f.network.nameAccount(brazil, '551187654321@s.whatsapp.net');
  assert.equal((await driver.send(text('m-br', brazil))).ok, true);
  assert.equal(f.network.sent[0]?.jid, '551187654321@s.whatsapp.net');
  f.network.open?.emit('messages.upsert', {
    type: 'notify',
    messages: [
      {
        key: { remoteJid: '551187654321@s.whatsapp.net', fromMe: false, id: 'BR1' },
        message: { conversation: 'oi' },
      },
    ],
  });
  assert.equal((await events.waitFor('inbound')).from, brazil);
});

test('a failed number lookup is retryable and certain: nothing was sent', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  f.network.lookupFailure = boom(408, 'Timed Out');
  const result = await driver.send(text('m-lookup'));
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.uncertain], ['retryable', undefined]);
  assert.deepEqual(f.network.sent, []);
});

test('failures of the send itself are classified', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  const outcome = async (failure: Error) => {
    f.network.nextSendFailure = failure;
    const result = await driver.send(text(`m-${failure.message}`));
    return result.ok ? null : [result.error.kind, result.error.code, result.error.uncertain ?? false];
  };
  assert.deepEqual(await outcome(boom(428, 'closed')), ['retryable', 'connection_closed', false]);
  assert.deepEqual(await outcome(boom(408, 'timed out')), ['retryable', 'timeout', true]);
  assert.deepEqual(await outcome(boom(401, 'logged out')), ['logged_out', '401', false]);
  assert.deepEqual(await outcome(boom(403, 'forbidden')), ['banned', '403', false]);
  const missing = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  assert.deepEqual(await outcome(missing), ['permanent', 'media_unreadable', false]);
});

test('a send WhatsApp never answers times out on the clock as uncertain', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected({ sendTimeoutMs: 30_000 });
  await driver.send(text('m-warm'));
  f.network.nextSendFailure = 'hang';
  const pending = driver.send(text('m-hang'));
  await settle();
  f.clock.advance(30_000);
  const result = await pending;
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.code, result.error.uncertain], [
    'retryable',
    'timeout',
    true,
  ]);
});

test('a part sent is offered back to Baileys when a recipient asks for it again', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await driver.send(text('m-retry', ALICE, 'again please'));
  const getMessage = f.network.open?.options.getMessage;
  const message = await getMessage?.({
    remoteJid: '4915200000002@s.whatsapp.net',
    fromMe: true,
    id: 'm-retry',
  });
  assert.equal(message?.conversation, 'again please');
  assert.equal(await getMessage?.({ id: 'unknown' }), undefined);
});

test('the socket is built to keep phone notifications, skip history, and ignore status updates', async () => {
  await using f = driverFixture();
  await f.connected();
  const options = f.network.open?.options;
  assert.equal(options?.markOnlineOnConnect, false);
  assert.equal(options?.syncFullHistory, false);
  assert.equal(options?.shouldIgnoreJid('120363000000000000@g.us'), false);
  assert.equal(options?.shouldIgnoreJid('120363000000000001@newsletter'), true);
  assert.equal(options?.shouldIgnoreJid('status@broadcast'), true);
  assert.equal(options?.shouldIgnoreJid('4915200000002@s.whatsapp.net'), false);
  assert.equal(options?.shouldIgnoreJid('2000000025194@lid'), false);
  assert.equal(f.network.sockets[0]?.options.msgRetryCounterCache, options?.msgRetryCounterCache);
});
