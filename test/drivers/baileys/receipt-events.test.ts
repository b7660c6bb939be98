import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WAMessageUpdate } from 'baileys';
import { WAMessageStatus } from 'baileys';
import { receiptEvents } from '../../../src/drivers/baileys/receipt-events.ts';
import { ALICE, driverFixture, text } from './driver-fixture.ts';

const NOW = Date.UTC(2026, 0, 5, 9);
const context = { now: NOW, restrictedUntil: null };

const update = (
  remoteJid: string,
  status: number,
  extra: Partial<WAMessageUpdate['update']> = {},
  fromMe = true,
) => ({
  key: { remoteJid, fromMe, id: 'm1' },
  update: { status, ...extra },
});

test('delivery, reading and playing map to delivered and read, under the message id', () => {
  const events = receiptEvents(
    [
      update('4915200000002@s.whatsapp.net', WAMessageStatus.DELIVERY_ACK, {
        messageTimestamp: 1_767_600_000,
      }),
      update('4915200000002@s.whatsapp.net', WAMessageStatus.READ),
      update('4915200000002@s.whatsapp.net', WAMessageStatus.PLAYED),
    ],
    context,
  );
  assert.deepEqual(events, [
    { type: 'receipt', messageId: 'm1', status: 'delivered', at: 1_767_600_000_000 },
    { type: 'receipt', messageId: 'm1', status: 'read', at: NOW },
    { type: 'receipt', messageId: 'm1', status: 'read', at: NOW },
  ]);
});

test('a receipt from a chat named by LID is matched by id all the same', () => {
  assert.deepEqual(receiptEvents([update('2000000025194@lid', WAMessageStatus.READ)], context), [
    { type: 'receipt', messageId: 'm1', status: 'read', at: NOW },
  ]);
});

test('receipts for messages not sent by us, groups, the server ack and non-status updates are ignored', () => {
  const ignored: WAMessageUpdate[] = [
    update('4915200000002@s.whatsapp.net', WAMessageStatus.READ, {}, false),
    update('120363000000000000@g.us', WAMessageStatus.READ),
    update('status@broadcast', WAMessageStatus.READ),
    update('4915200000002@s.whatsapp.net', WAMessageStatus.SERVER_ACK),
    update('4915200000002@s.whatsapp.net', WAMessageStatus.PENDING),
    { key: { remoteJid: '4915200000002@s.whatsapp.net', fromMe: true, id: 'm1' }, update: { starred: true } },
    {
      key: { remoteJid: '4915200000002@s.whatsapp.net', fromMe: true },
      update: { status: WAMessageStatus.READ },
    },
  ];
  assert.deepEqual(receiptEvents(ignored, context), []);
});

test('a 463 NACK fails the part as rate_limited, holding off a day unless WhatsApp said until when', () => {
  const nack = update('4915200000002@s.whatsapp.net', WAMessageStatus.ERROR, {
    messageStubParameters: ['463', 'Your account has been restricted'],
  });
  const [failed] = receiptEvents([nack], context);
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.error?.kind, 'rate_limited');
  assert.equal(failed?.error?.code, '463');
  assert.equal(failed?.error?.retryAfterMs, 24 * 3_600_000);
  const [until] = receiptEvents([nack], { now: NOW, restrictedUntil: NOW + 5 * 3_600_000 });
  assert.equal(until?.error?.retryAfterMs, 5 * 3_600_000);
});

test('another NACK fails the part as permanent with WhatsApp’s code', () => {
  const [failed] = receiptEvents(
    [update('4915200000002@s.whatsapp.net', WAMessageStatus.ERROR, { messageStubParameters: ['479'] })],
    context,
  );
  assert.deepEqual(failed?.error && [failed.error.kind, failed.error.code], ['permanent', '479']);
});

test('the driver reports a NACK with the restriction WhatsApp announced', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await driver.send(text('m-new-chat'));
  const ends = new Date(f.clock.now() + 2 * 3_600_000);
  f.network.open?.emit('connection.update', {
    reachoutTimeLock: { isActive: true, timeEnforcementEnds: ends },
  });
  f.network.nack('m-new-chat', ALICE, '463');
  const failed = await events.waitFor('receipt', (e) => e.messageId === 'm-new-chat');
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error && [failed.error.kind, failed.error.code, failed.error.retryAfterMs], [
    'rate_limited',
    '463',
    2 * 3_600_000,
  ]);
});
