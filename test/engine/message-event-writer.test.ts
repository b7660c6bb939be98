import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../src/store/store.ts';
import { backends } from '../support/stores.ts';
import { createTestEngine, settle } from '../support/test-engine.ts';

for (const backend of backends) {
  test(`${backend}: a campaign completes when its last receipt is stored before the send's own answer`, async () => {
    // On a pool the receipt's transaction may commit first; the send's answer then finds its
    // row moved on and changes nothing, so the receipt is that row's last write.
    let store: Store | null = null;
    let holding = true;
    const delivered = async (workspaceId: string, waId: string) =>
      (await store?.messages.list(workspaceId, {}, { limit: 10 }))?.items.some(
        (m) => m.waId === waId && m.state === 'delivered',
      ) === true;
    await using t = await createTestEngine({
      backend,
      // Delivery receipts only, so that `delivered` is where a row stops.
      network: { receipts: { deliveredAfterMs: [100, 100], readAfterMs: null } },
      wrapDrivers: (made) => ({
        async create(sender) {
          const driver = await made.create(sender);
          const send = driver.send.bind(driver);
          driver.send = async (part) => {
            const result = await send(part);
            // Answers only once the network's receipt for the part is stored.
            while (holding && !(await delivered(sender.workspaceId, part.id))) await settle(1);
            return result;
          };
          return driver;
        },
      }),
    });
    try {
      store = t.store;
      const { store: db } = t;
      await t.addContacts(1);
      const template = await t.addTemplate(['Hello']);
      const sender = await t.addSender('one');
      const campaign = await t.campaign({ templateId: template.id, senderIds: [sender.id] });
      await t.engine.start();
      await t.engine.campaigns.start(t.workspace.id, campaign.id);
      await t.runUntil(
        async () =>
          (await db.messages.list(t.workspace.id, {}, { limit: 10 })).items[0]?.state === 'delivered',
      );
      await t.runUntil(async () => (await db.campaigns.find(campaign.id))?.status === 'completed', {
        maxMs: 10_000,
      });
      assert.ok(t.events.some((e) => e.type === 'campaign.completed' && e.campaignId === campaign.id));
    } finally {
      holding = false; // a failed run must not leave a send waiting at dispose
    }
  });
}
