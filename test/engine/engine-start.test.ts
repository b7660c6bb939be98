import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimulatorNetwork } from '../../src/drivers/simulator/simulator-network.ts';
import { backends, openTestStore } from '../support/stores.ts';
import { createTestEngine, phoneOf } from '../support/test-engine.ts';

for (const backend of backends) {
  test(`${backend}: a restart settles what a crash left sending before any sender connects`, async () => {
    const store = await openTestStore(backend);
    try {
      let campaignId = '';
      {
        await using t = await createTestEngine({ store });
        await t.addContacts(6);
        const template = await t.addTemplate(['Hello']);
        const sender = await t.addSender('one');
        const campaign = await t.campaign({
          templateId: template.id,
          senderIds: [sender.id],
          pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
        });
        campaignId = campaign.id;
        // What a crash leaves: a running campaign whose rows were claimed (`sending`,
        // committed before the driver is called) and never answered.
        const now = t.clock.now();
        await store.campaigns.transition(campaign.id, ['draft'], { status: 'running', startedAt: now }, now);
        const { lastContactId } = await store.audience.expandChunk(campaign, null, 1, 100, now);
        await store.campaigns.setExpansion(campaign.id, lastContactId, now);
        await store.campaigns.recount(campaign.id);
        const claimed = await store.transaction((tx) =>
          tx.queue.claim(campaign.id, sender.id, 6, now, (c) => ({
            waId: `wa-${c.seq}`,
            text: 'Hello',
            variant: 0,
          })),
        );
        assert.equal(claimed.length, 6);
      }

      const statesAtConnect: string[] = [];
      await using t = await createTestEngine({
        store,
        wrapDrivers: (made) => ({
          async create(sender) {
            const driver = await made.create(sender);
            const connect = driver.connect.bind(driver);
            driver.connect = async () => {
              const page = await store.messages.list(sender.workspaceId, { campaignId }, { limit: 100 });
              statesAtConnect.push(...page.items.map((m) => m.state));
              await connect();
            };
            return driver;
          },
        }),
      });
      await t.engine.start();
      assert.deepEqual(
        statesAtConnect,
        Array(6).fill('queued'),
        'every row was back in the queue before its sender could report a receipt',
      );
      await t.runUntil(async () => (await store.campaigns.find(campaignId))?.status === 'completed');
      const received = t.network.records.received();
      for (let i = 0; i < 6; i++) assert.equal(received.get(phoneOf(i))?.length, 1, `contact ${i}`);
    } finally {
      await store.close();
    }
  });

  test(`${backend}: campaigns whose senders pair again at a restart resume and complete`, async () => {
    // The built-in simulator starts empty, so at a restart each sender pairs again: it is
    // `pairing` (its campaign pauses, no sender left) and `connected` a moment later.
    const store = await openTestStore(backend);
    try {
      const campaignIds: string[] = [];
      let first: SimulatorNetwork;
      {
        await using t = await createTestEngine({ store });
        first = t.network;
        const template = await t.addTemplate(['Hello']);
        for (let k = 0; k < 6; k++) {
          await t.addContacts(2, () => ({ tags: [`c${k}`] }));
          const sender = await t.addSender(`s${k}`);
          const campaign = await t.campaign({
            templateId: template.id,
            senderIds: [sender.id],
            audience: { tags: [`c${k}`] },
            pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
          });
          await t.engine.campaigns.start(t.workspace.id, campaign.id);
          campaignIds.push(campaign.id);
        }
      }
      await using t = await createTestEngine({ store });
      await t.engine.start();
      const statuses = async () =>
        Promise.all(campaignIds.map(async (id) => (await store.campaigns.find(id))?.status));
      await t.runUntil(async () => (await statuses()).every((s) => s === 'completed'), { maxMs: 600_000 });
      const before = first.records.received();
      const after = t.network.records.received();
      for (let i = 0; i < 12; i++) {
        const got = (before.get(phoneOf(i))?.length ?? 0) + (after.get(phoneOf(i))?.length ?? 0);
        assert.equal(got, 1, `contact ${i}, before and after the restart`);
      }
    } finally {
      await store.close();
    }
  });
}
