import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sender } from '../../src/domain/sender.ts';
import { backends, openPostgresTestStore, otherConnection } from '../support/stores.ts';
import { createTestEngine, settle } from '../support/test-engine.ts';

for (const backend of backends) {
  test(`${backend}: senders paired at once end connected, in the store and in memory`, async () => {
    // The simulator emits `qr` and, pairing at once, `connected` right behind it: two
    // status writes handed over back to back, on PostgreSQL to a pool of connections.
    await using t = await createTestEngine({ backend });
    const senders: Sender[] = [];
    for (let i = 0; i < 12; i++) senders.push(await t.addSender(`s${i}`));
    const statuses = (senderId: string) =>
      t.events
        .filter((e) => e.type === 'sender.status' && e.senderId === senderId)
        .map((e) => e.data.connection);
    await t.runUntil(() => senders.every((s) => statuses(s.id).length === 2));
    for (const s of senders) {
      assert.deepEqual(statuses(s.id), ['pairing', 'connected'], `${s.name}: events in the driver's order`);
      assert.equal((await t.store.senders.find(s.id))?.connection, 'connected', `${s.name}: stored`);
      assert.equal(t.engine.sessions.get(s.id)?.sender.connection, 'connected', `${s.name}: in memory`);
    }
  });
}

test('postgres: a campaign paused while its only sender pairs again resumes once it is connected', async () => {
  const { store, schema } = await openPostgresTestStore();
  try {
    await using t = await createTestEngine({ store });
    await t.engine.start();
    await t.addContacts(3);
    const template = await t.addTemplate(['Hello']);
    const sender = await t.addSender('one');
    const campaign = await t.campaign({
      templateId: template.id,
      senderIds: [sender.id],
      pacing: { preset: 'manual', minSeconds: 60, maxSeconds: 60 },
    });
    await t.engine.campaigns.start(t.workspace.id, campaign.id);
    await t.runUntil(() => t.network.records.attempts().length === 1);
    // The pause its logout asks for waits on the campaign's row, held by another
    // connection, while the sender is paired again and reported connected.
    await using other = await otherConnection(schema);
    await other.client.query('BEGIN');
    await other.client.query('SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE', [campaign.id]);
    t.network.logout(String(sender.config.phone));
    await other.blocking();
    await t.engine.sessions.open((await store.senders.find(sender.id)) ?? sender);
    await t.runUntil(async () => (await store.senders.find(sender.id))?.connection === 'connected');
    await settle(100);
    await other.client.query('COMMIT');
    await t.runUntil(async () => (await store.campaigns.find(campaign.id))?.status === 'completed', {
      maxMs: 600_000,
    });
    assert.equal(t.network.records.received().size, 3);
  } finally {
    await store.close();
  }
});
