import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSender } from '../../src/domain/sender.ts';
import { openPostgresTestStore, otherConnection } from '../support/stores.ts';

test('postgres: a receipt stored while a settlement commits still moves its row on', async () => {
  const { store, schema } = await openPostgresTestStore();
  try {
    await using other = await otherConnection(schema);
    const now = Date.UTC(2026, 0, 5);
    await store.workspaces.create({ id: 'ws_1', name: 'ws', defaultCountry: 'DE', createdAt: now });
    const sender = newSender({
      id: 'snd_1',
      workspaceId: 'ws_1',
      name: 'S',
      driver: 'simulator',
      config: {},
      now,
    });
    await store.senders.create(sender);
    await store.queue.insertSending({
      id: 'msg_1',
      workspaceId: 'ws_1',
      contactId: null,
      phone: '+4915112345678',
      senderId: sender.id,
      waId: 'wa-1',
      text: 'Hi',
      variant: 0,
      now,
    });
    // The send's answer is being written (`sending` → `sent`) by another connection when
    // the delivery receipt comes in; it commits while the receipt waits.
    await other.client.query('BEGIN');
    await other.client.query(`UPDATE messages SET state = 'sent', sent_at = $1 WHERE id = 'msg_1'`, [now]);
    const receipt = store.transaction((tx) =>
      tx.queue.receipts([{ waId: 'wa-1', status: 'delivered', at: now + 5 }], now + 5),
    );
    await other.blocking();
    await other.client.query('COMMIT');
    const changes = await receipt;
    assert.deepEqual(
      changes.map((c) => `${c.from}>${c.to}`),
      ['sent>delivered'],
    );
    const row = await store.messages.get('ws_1', 'msg_1');
    assert.equal(row?.state, 'delivered', 'the receipt was not lost');
    assert.equal(row?.deliveredAt, now + 5);
  } finally {
    await store.close();
  }
});
