import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Campaign, emptyCounts } from '../../src/domain/campaign.ts';
import { newId } from '../../src/domain/id.ts';
import { newSender, type Sender } from '../../src/domain/sender.ts';
import type { ClaimCandidate } from '../../src/store/message-queue.ts';
import type { Store } from '../../src/store/store.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { type Backend, openTestStore } from '../support/stores.ts';

/** Senders, campaigns and the message queue, run unchanged on every backend. */
export function campaignStoreContract(backend: Backend): void {
  describe(`${backend} campaign store`, () => {
    let store: Store;
    let now = Date.UTC(2026, 0, 1);
    const random = new SeededRandom(9);
    const id = (prefix: string) => {
      now += 1;
      return newId(prefix, now, random);
    };

    before(async () => {
      store = await openTestStore(backend);
    });
    after(async () => {
      await store.close();
    });

    async function setup(contacts: number, options: { suppress?: number[] } = {}) {
      const ws = await store.workspaces.create({
        id: id('ws'),
        name: 'ws',
        defaultCountry: 'DE',
        createdAt: now,
      });
      for (let i = 0; i < contacts; i++) {
        await store.contacts.create({
          id: id('ct'),
          workspaceId: ws.id,
          phone: `+49151${String(10000000 + i)}`,
          name: `Person ${i}`,
          fields: { n: i },
          tags: i % 2 === 0 ? ['even'] : [],
          status: null,
          consent: null,
          createdAt: now,
          updatedAt: now,
        });
      }
      for (const i of options.suppress ?? []) {
        await store.suppressions.add({
          id: id('sup'),
          workspaceId: ws.id,
          phone: `+49151${String(10000000 + i)}`,
          reason: 'opt_out',
          note: null,
          createdAt: now,
        });
      }
      const sender = newSender({
        id: id('snd'),
        workspaceId: ws.id,
        name: 'S1',
        driver: 'simulator',
        config: { phone: '+4915200000001' },
        quotas: { perMinute: 10, perHour: null, perDay: 500 },
        now,
      });
      await store.senders.create(sender, 'secret-blob');
      const campaign: Campaign = {
        id: id('cmp'),
        workspaceId: ws.id,
        name: 'C',
        templateId: null,
        template: { variants: ['Hi {{name}}'], attachments: [] },
        audience: {},
        senderIds: [sender.id],
        senderStrategy: 'round_robin',
        pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
        window: null,
        startAt: null,
        status: 'running',
        pauseReason: null,
        error: null,
        counts: emptyCounts(),
        createdAt: now,
        updatedAt: now,
        startedAt: now,
        finishedAt: null,
        expandedAt: null,
      };
      await store.campaigns.create(campaign);
      return { ws, sender, campaign };
    }

    async function expandAll(campaign: Campaign, chunk = 3) {
      let cursor: string | null = null;
      let seq = 1;
      for (;;) {
        const { inserted, lastContactId } = await store.audience.expandChunk(
          campaign,
          cursor,
          seq,
          chunk,
          now,
        );
        if (inserted === 0) break;
        seq += inserted;
        cursor = lastContactId;
      }
      return store.campaigns.recount(campaign.id);
    }

    // WhatsApp ids are unique across campaigns (a hash of workspace, campaign and contact).
    const plan = (c: ClaimCandidate) => ({
      waId: `${c.campaignId}-WA${c.seq}`,
      text: `Hi ${c.contact?.name}`,
      variant: 0,
    });

    /** The counters kept by deltas must always equal a recount from the rows. */
    async function assertCountsConsistent(campaignId: string) {
      const kept = (await store.campaigns.find(campaignId))?.counts;
      const counted = await store.campaigns.recount(campaignId);
      assert.deepEqual(kept, counted);
    }

    test(`${backend}: senders keep config, quotas, connection and secret apart`, async () => {
      const { ws, sender } = await setup(0);
      const got = await store.senders.get(ws.id, sender.id);
      assert.deepEqual(got, sender);
      assert.ok(!JSON.stringify(got).includes('secret-blob'), 'the secret is not part of the sender');
      assert.equal(await store.senders.secret(sender.id), 'secret-blob');
      await store.senders.setConnection(sender.id, 'connected', null, '+4915200000001', now);
      await store.senders.setPaused(sender.id, 'user', now);
      const after = await store.senders.find(sender.id);
      assert.equal(after?.connection, 'connected');
      assert.equal(after?.phone, '+4915200000001');
      assert.equal(after?.pausedReason, 'user');
      assert.deepEqual(
        await store.campaigns.usingSender(sender.id, ['running']),
        (await store.campaigns.withStatus(['running']))
          .filter((c) => c.senderIds.includes(sender.id))
          .map((c) => c.id),
      );
    });

    test(`${backend}: a campaign moves state only from the states it is asked from`, async () => {
      const { campaign } = await setup(0);
      assert.equal(
        await store.campaigns.transition(campaign.id, ['draft'], { status: 'stopped' }, now),
        false,
      );
      assert.equal(
        await store.campaigns.transition(
          campaign.id,
          ['running'],
          { status: 'paused', pauseReason: 'user' },
          now,
        ),
        true,
      );
      const paused = await store.campaigns.find(campaign.id);
      assert.equal(paused?.status, 'paused');
      assert.equal(paused?.pauseReason, 'user');
      assert.deepEqual(paused?.senderIds, campaign.senderIds);
    });

    test(`${backend}: expansion in chunks makes one row per contact, suppressed ones skipped`, async () => {
      const { campaign } = await setup(10, { suppress: [3, 7] });
      const counts = await expandAll(campaign);
      assert.deepEqual(counts, { ...emptyCounts(), total: 10, queued: 8, skipped: 2 });
      const page = await store.messages.list(
        campaign.workspaceId,
        { campaignId: campaign.id },
        { limit: 100 },
      );
      assert.deepEqual(
        page.items.map((m) => m.seq),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      assert.equal(new Set(page.items.map((m) => m.phone)).size, 10);
      assert.deepEqual(
        page.items.filter((m) => m.state === 'skipped').map((m) => m.reason),
        ['suppressed', 'suppressed'],
      );
      assert.match(page.items[0]?.id ?? '', /^msg_[0-9a-z]+0000000001$/);
      await assert.rejects(
        store.audience.expandChunk(campaign, null, 1, 3, now),
        'expanding the same recipients again is refused by the primary key',
      );
    });

    test(`${backend}: an audience filter narrows the expansion`, async () => {
      const { campaign } = await setup(6);
      await store.campaigns.update(campaign.workspaceId, campaign.id, { audience: { tags: ['even'] } }, now);
      const counts = await expandAll({ ...campaign, audience: { tags: ['even'] } });
      assert.equal(counts.total, 3);
    });

    test(`${backend}: claim takes due rows in order, writes the plan, and keeps counters`, async () => {
      const { campaign, sender } = await setup(5);
      await expandAll(campaign);
      const claimed = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 2, now, plan));
      assert.deepEqual(
        claimed.map((c) => c.seq),
        [1, 2],
      );
      assert.equal(claimed[0]?.attempt, 1);
      assert.equal(claimed[0]?.text, 'Hi Person 0');
      const row = await store.messages.get(campaign.workspaceId, claimed[0]?.id ?? '');
      assert.equal(row?.state, 'sending');
      assert.equal(row?.senderId, sender.id);
      assert.equal(row?.waId, `${campaign.id}-WA1`);
      assert.equal(row?.text, 'Hi Person 0');
      assert.deepEqual(await store.messages.claimTimes(sender.id, now - 1), [now, now]);
      await assertCountsConsistent(campaign.id);
      const notDue = await store.transaction((tx) =>
        tx.queue.claim(campaign.id, sender.id, 10, now - 1, plan),
      );
      assert.deepEqual(notDue, [], 'rows due later are not claimed');
    });

    test(`${backend}: two claims at once never take the same row`, async () => {
      const { campaign, sender } = await setup(20);
      await expandAll(campaign, 20);
      const [a, b] = await Promise.all([
        store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 12, now, plan)),
        store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 12, now, plan)),
      ]);
      const ids = [...(a ?? []), ...(b ?? [])].map((m) => m.id);
      assert.equal(ids.length, 20);
      assert.equal(new Set(ids).size, 20);
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: settlements are guarded by state and attempt`, async () => {
      const { campaign, sender } = await setup(5);
      await expandAll(campaign);
      const [m1, m2, m3, m4, m5] = await store.transaction((tx) =>
        tx.queue.claim(campaign.id, sender.id, 5, now, plan),
      );
      assert.ok(m1 && m2 && m3 && m4 && m5);
      const c = campaign.id;
      const applied = await store.transaction((tx) =>
        tx.queue.settle(
          [
            { kind: 'sent', id: m1.id, campaignId: c, attempt: 1, providerId: 'p1', partsSent: 1, at: now },
            {
              kind: 'retry',
              id: m2.id,
              campaignId: c,
              attempt: 1,
              nextAt: now + 5000,
              reason: 'retryable',
              detail: 'x',
            },
            {
              kind: 'failed',
              id: m3.id,
              campaignId: c,
              attempt: 1,
              reason: 'invalid_recipient',
              detail: 'no',
              at: now,
            },
            {
              kind: 'skipped',
              id: m4.id,
              campaignId: c,
              attempt: 1,
              reason: 'not_on_whatsapp',
              detail: null,
            },
            { kind: 'release', id: m5.id, campaignId: c, attempt: 1 },
            { kind: 'sent', id: m1.id, campaignId: c, attempt: 1, providerId: 'p1', partsSent: 1, at: now },
            {
              kind: 'failed',
              id: m2.id,
              campaignId: c,
              attempt: 2,
              reason: 'late',
              detail: 'stale',
              at: now,
            },
          ],
          now,
        ),
      );
      assert.equal(applied.length, 5, 'the repeated and the stale settlement do nothing');
      const get = (id: string) => store.messages.get(campaign.workspaceId, id);
      assert.equal((await get(m1.id))?.state, 'sent');
      assert.equal((await get(m2.id))?.state, 'queued');
      assert.equal((await get(m2.id))?.nextAt, now + 5000);
      assert.equal((await get(m3.id))?.reason, 'invalid_recipient');
      assert.equal((await get(m4.id))?.state, 'skipped');
      assert.equal((await get(m5.id))?.attempt, 0, 'a released claim does not count as an attempt');
      await assertCountsConsistent(campaign.id);
      assert.equal(await store.messages.nextDueAt(campaign.id), now);
    });

    test(`${backend}: receipts only move forward, even before the send was written`, async () => {
      const { campaign, sender } = await setup(3);
      await expandAll(campaign);
      const [m1, m2] = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 2, now, plan));
      assert.ok(m1 && m2);
      const changes = await store.transaction((tx) =>
        tx.queue.receipts(
          [
            { waId: `${campaign.id}-WA1`, status: 'delivered', at: now + 1 },
            { waId: `${campaign.id}-WA1`, status: 'read', at: now + 2 },
            { waId: `${campaign.id}-WA1`, status: 'delivered', at: now + 3 },
            { waId: `${campaign.id}-WA2`, status: 'read', at: now + 4 },
            { waId: 'nope', status: 'read', at: now },
          ],
          now,
        ),
      );
      assert.deepEqual(
        changes.map((ch) => `${ch.from}>${ch.to}`),
        ['sending>delivered', 'delivered>read', 'sending>read'],
      );
      const late = await store.transaction((tx) =>
        tx.queue.settle(
          [
            {
              kind: 'sent',
              id: m1.id,
              campaignId: campaign.id,
              attempt: 1,
              providerId: 'p',
              partsSent: 1,
              at: now,
            },
          ],
          now,
        ),
      );
      assert.deepEqual(late, [], 'the send answer after its receipt changes nothing');
      const row = await store.messages.get(campaign.workspaceId, m1.id);
      assert.equal(row?.state, 'read');
      assert.equal(row?.deliveredAt, now + 1);
      assert.equal(row?.readAt, now + 2);
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: after a crash, idempotent senders re-queue and others wait for a receipt or fail unknown`, async () => {
      const { campaign, sender, ws } = await setup(4);
      const other: Sender = { ...sender, id: id('snd'), name: 'S2' };
      await store.senders.create(other);
      await expandAll(campaign);
      const [a, b] = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 2, now, plan));
      const [c, d] = await store.transaction((tx) => tx.queue.claim(campaign.id, other.id, 2, now, plan));
      assert.ok(a && b && c && d);
      await store.transaction((tx) => tx.queue.recoverSending([sender.id], now, now + 60_000));
      const get = (mid: string) => store.messages.get(ws.id, mid);
      assert.equal((await get(a.id))?.state, 'queued');
      assert.equal((await get(a.id))?.attempt, 0);
      assert.equal((await get(a.id))?.waId, `${campaign.id}-WA1`, 'the id is kept for the re-send');
      assert.equal((await get(c.id))?.state, 'sending');
      assert.equal(await store.messages.nextReconcileAt(), now + 60_000);
      await store.transaction((tx) =>
        tx.queue.receipts([{ waId: `${campaign.id}-WA3`, status: 'delivered', at: now }], now),
      );
      assert.deepEqual(await store.transaction((tx) => tx.queue.expireReconciliation(now + 59_999)), []);
      await store.transaction((tx) => tx.queue.expireReconciliation(now + 60_000));
      assert.equal((await get(c.id))?.state, 'delivered', 'a receipt reconciled it');
      assert.equal((await get(d.id))?.state, 'failed');
      assert.equal((await get(d.id))?.reason, 'unknown_outcome');
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: crash recovery and receipts stored at the same time never deadlock`, async () => {
      // A restart recovers what a crash left `sending` while receipts for those rows come in,
      // in whatever order the network delivers them, over two campaigns.
      const { campaign, sender, ws } = await setup(20);
      const shuffle = new SeededRandom(17);
      for (let round = 0; round < 60; round++) {
        const campaigns = [
          { ...campaign, id: id('cmp') },
          { ...campaign, id: id('cmp') },
        ];
        const claimed = [];
        for (const c of campaigns) {
          await store.campaigns.create(c);
          await expandAll(c, 20);
          claimed.push(...(await store.transaction((tx) => tx.queue.claim(c.id, sender.id, 20, now, plan))));
        }
        const receipts = claimed
          .map((m) => ({ waId: m.waId, status: 'delivered' as const, at: now, key: shuffle.next() }))
          .sort((a, b) => a.key - b.key)
          .map(({ key: _, ...r }) => r);
        await Promise.all([
          store.transaction((tx) => tx.queue.recoverSending([sender.id], now, now + 60_000)),
          store.transaction((tx) => tx.queue.receipts(receipts, now)),
        ]);
        for (const m of claimed) {
          const state = (await store.messages.get(ws.id, m.id))?.state;
          assert.ok(state === 'delivered' || state === 'queued', `round ${round}: a row ended ${state}`);
        }
        for (const c of campaigns) await assertCountsConsistent(c.id);
      }
    });

    test(`${backend}: a re-send after a crash goes only through the sender that may have sent it`, async () => {
      const { campaign, sender } = await setup(2);
      const other: Sender = { ...sender, id: id('snd'), name: 'S2' };
      await store.senders.create(other);
      await expandAll(campaign);
      const [a] = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 1, now, plan));
      assert.ok(a);
      await store.transaction((tx) => tx.queue.recoverSending([sender.id], now, now + 1000));
      const byOther = await store.transaction((tx) => tx.queue.claim(campaign.id, other.id, 5, now, plan));
      assert.equal(byOther.length, 1, 'the other sender takes only the row nobody tried');
      assert.notEqual(byOther[0]?.id, a.id);
      const bySender = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 5, now, plan));
      assert.deepEqual(
        bySender.map((m) => [m.id, m.waId]),
        [[a.id, a.waId]],
        'its own sender re-sends it with the same id',
      );
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: a pinned row its sender never takes fails as unknown at the deadline`, async () => {
      const { campaign, sender, ws } = await setup(1);
      await expandAll(campaign);
      const [a] = await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 1, now, plan));
      assert.ok(a);
      await store.transaction((tx) => tx.queue.recoverSending([sender.id], now, now + 1000));
      assert.equal(await store.messages.nextReconcileAt(), now + 1000);
      await store.transaction((tx) => tx.queue.expireReconciliation(now + 1000));
      const row = await store.messages.get(ws.id, a.id);
      assert.equal(row?.state, 'failed');
      assert.equal(row?.reason, 'unknown_outcome');
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: stopping cancels what is still queued, apart from the skipped`, async () => {
      const { campaign, sender } = await setup(5, { suppress: [4] });
      await expandAll(campaign);
      await store.transaction((tx) => tx.queue.claim(campaign.id, sender.id, 1, now, plan));
      const cancelled = await store.transaction((tx) => tx.queue.cancelQueued(campaign.id, now));
      assert.equal(cancelled, 3);
      const counts = (await store.campaigns.find(campaign.id))?.counts;
      assert.deepEqual(counts, { ...emptyCounts(), total: 5, sending: 1, skipped: 1, cancelled: 3 });
      const rows = await store.messages.list(
        campaign.workspaceId,
        { campaignId: campaign.id, state: ['cancelled'] },
        { limit: 10 },
      );
      assert.deepEqual(
        rows.items.map((m) => m.reason),
        ['campaign_stopped', 'campaign_stopped', 'campaign_stopped'],
      );
      await assertCountsConsistent(campaign.id);
    });

    test(`${backend}: number checks are cached per workspace and refreshed`, async () => {
      const { ws } = await setup(0);
      await store.numberChecks.record(
        ws.id,
        new Map([
          ['+491', true],
          ['+492', false],
        ]),
        now,
      );
      await store.numberChecks.record(ws.id, new Map([['+492', true]]), now + 10);
      const known = await store.numberChecks.known(ws.id, ['+491', '+492', '+493'], now - 1);
      assert.deepEqual([...known].sort(), [
        ['+491', true],
        ['+492', true],
      ]);
      assert.equal((await store.numberChecks.known(ws.id, ['+491'], now + 5)).size, 0, 'too old');
    });
  });
}
