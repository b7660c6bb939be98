import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sender } from '../../src/domain/sender.ts';
import { backends } from '../support/stores.ts';
import { createTestEngine } from '../support/test-engine.ts';

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
