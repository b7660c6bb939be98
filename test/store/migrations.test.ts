import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrator.ts';
import { connectDatabase } from '../../src/store/open-store.ts';
import { backends, inTestSchema, tempDir, testDatabaseUrl } from '../support/stores.ts';

/** Runs `body` on an empty database of `backend`, removed afterwards. */
async function withEmptyDatabase(
  backend: Dialect,
  body: (db: Kysely<unknown>, schema: string | undefined) => Promise<void>,
): Promise<void> {
  if (backend === 'sqlite') {
    const dir = tempDir('kurir-migrations');
    const { db } = connectDatabase({ kind: 'sqlite', file: path.join(dir, 'kurir.db') });
    try {
      await body(db as Kysely<unknown>, undefined);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const { drop } = await inTestSchema(async (schema) => {
    const { db } = connectDatabase({ kind: 'postgres', url: testDatabaseUrl, poolSize: 2, schema });
    try {
      await body(db as Kysely<unknown>, schema);
    } finally {
      await db.destroy();
    }
  });
  await drop();
}

async function tagRows(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ contact_id: string; tag: string }>`
    SELECT contact_id, tag FROM contact_tags ORDER BY contact_id, tag`.execute(db);
  return rows.map((r) => `${r.contact_id}:${r.tag}`);
}

/** How the database itself describes the status index of contacts. */
async function statusIndex(db: Kysely<unknown>, backend: Dialect): Promise<string> {
  const { rows } =
    backend === 'sqlite'
      ? await sql<{
          ddl: string;
        }>`SELECT sql AS ddl FROM sqlite_master WHERE name = 'contacts_with_status'`.execute(db)
      : await sql<{ ddl: string }>`
          SELECT indexdef AS ddl FROM pg_indexes
          WHERE schemaname = current_schema() AND indexname = 'contacts_with_status'`.execute(db);
  return rows[0]?.ddl ?? '(no index contacts_with_status)';
}

for (const backend of backends) {
  test(`${backend}: 0006 keeps every tag and every status, and a deleted contact still takes its tags along`, async () => {
    await withEmptyDatabase(backend, async (db, schema) => {
      await migrate(db, backend, { schema, until: '0005-audience-uploads' });
      await sql`INSERT INTO workspaces (id, name, default_country, created_at) VALUES ('ws_1', 'w', 'DE', 0)`.execute(
        db,
      );
      const contacts: [id: string, phone: string, status: string | null, tags: string[]][] = [
        ['ct_1', '+4915100000001', 'customer', ['vip', 'news']],
        ['ct_2', '+4915100000002', null, ['news']],
        ['ct_3', '+4915100000003', null, []],
      ];
      for (const [id, phone, status, tags] of contacts) {
        await sql`INSERT INTO contacts (id, workspace_id, phone, name, fields, tags, status, created_at, updated_at)
          VALUES (${id}, 'ws_1', ${phone}, null, '{}', ${JSON.stringify(tags)}, ${status}, 0, 0)`.execute(db);
        for (const tag of tags) {
          await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ('ws_1', ${id}, ${tag})`.execute(
            db,
          );
        }
      }
      const before = await tagRows(db);

      assert.deepEqual(await migrate(db, backend, { schema, until: '0006-compact-contact-indexes' }), [
        '0006-compact-contact-indexes',
      ]);

      assert.deepEqual(await tagRows(db), before);
      const { rows: customers } = await sql<{ id: string }>`
        SELECT id FROM contacts WHERE workspace_id = 'ws_1' AND status IN ('customer')`.execute(db);
      assert.deepEqual(
        customers.map((r) => r.id),
        ['ct_1'],
      );
      await sql`DELETE FROM contacts WHERE id = 'ct_1'`.execute(db);
      assert.deepEqual(await tagRows(db), ['ct_2:news']);
      assert.match(await statusIndex(db, backend), /WHERE \(?"?status"? IS NOT NULL\)?$/i);
      // The primary key still refuses a tag twice.
      await assert.rejects(
        sql`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ('ws_1', 'ct_2', 'news')`.execute(
          db,
        ),
      );
    });
  });
}

/** Each campaign's counters as stored, and as a recount of its rows gives them. */
async function campaignCounters(db: Kysely<unknown>): Promise<{
  stored: Record<string, Record<string, number>>;
  recounted: Record<string, Record<string, number>>;
}> {
  const states = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];
  const { rows: campaigns } = await sql<Record<string, string | number>>`
    SELECT id, total, queued, sending, sent, delivered, read, failed, skipped, cancelled
    FROM campaigns ORDER BY id`.execute(db);
  const { rows: counted } = await sql<{ campaign_id: string; state: string; n: string | number }>`
    SELECT campaign_id, state, COUNT(*) AS n FROM messages GROUP BY campaign_id, state`.execute(db);
  const stored: Record<string, Record<string, number>> = {};
  const recounted: Record<string, Record<string, number>> = {};
  for (const c of campaigns) {
    const id = String(c.id);
    stored[id] = Object.fromEntries(['total', ...states].map((k) => [k, Number(c[k])]));
    recounted[id] = Object.fromEntries(['total', ...states].map((k) => [k, 0]));
  }
  for (const r of counted) {
    const into = recounted[r.campaign_id] as Record<string, number>;
    into[r.state] = Number(r.n);
    into.total = (into.total ?? 0) + Number(r.n);
  }
  return { stored, recounted };
}

for (const backend of backends) {
  test(`${backend}: 0007 turns what a stop left skipped into cancelled rows and counts, and nothing else`, async () => {
    await withEmptyDatabase(backend, async (db, schema) => {
      await migrate(db, backend, { schema, until: '0006-compact-contact-indexes' });
      await sql`INSERT INTO workspaces (id, name, default_country, created_at) VALUES ('ws_1', 'w', 'DE', 0)`.execute(
        db,
      );
      // A stopped campaign: sent, suppressed, and three rows its stop marked skipped.
      // A running one with a suppressed row. Counters as the queue kept them before.
      const campaigns: [id: string, status: string, rows: [state: string, reason: string | null][]][] = [
        [
          'cmp_stopped',
          'stopped',
          [
            ['read', null],
            ['sent', null],
            ['skipped', 'suppressed'],
            ['skipped', 'campaign_stopped'],
            ['failed', 'permanent'],
            ['skipped', 'campaign_stopped'],
            ['skipped', 'campaign_stopped'],
          ],
        ],
        [
          'cmp_running',
          'running',
          [
            ['sent', null],
            ['skipped', 'not_on_whatsapp'],
            ['queued', null],
          ],
        ],
      ];
      for (const [id, status, rows] of campaigns) {
        const count = (state: string) => rows.filter(([s]) => s === state).length;
        await sql`INSERT INTO campaigns (id, workspace_id, name, audience, pacing, status, total, queued, sending,
            sent, delivered, read, failed, skipped, created_at, updated_at)
          VALUES (${id}, 'ws_1', ${id}, '{}', '{}', ${status}, ${rows.length}, ${count('queued')}, 0,
            ${count('sent')}, 0, ${count('read')}, ${count('failed')}, ${count('skipped')}, 0, 0)`.execute(
          db,
        );
        for (const [i, [state, reason]] of rows.entries()) {
          await sql`INSERT INTO messages (id, workspace_id, campaign_id, phone, seq, state, reason, next_at, created_at, updated_at)
            VALUES (${`${id}_${i}`}, 'ws_1', ${id}, ${`+4915100000${i}`}, ${i + 1}, ${state}, ${reason}, 0, 0, 7)`.execute(
            db,
          );
        }
      }

      assert.deepEqual(await migrate(db, backend, { schema }), ['0007-cancelled-messages']);

      const { rows } = await sql<{ id: string; state: string; reason: string | null }>`
        SELECT id, state, reason FROM messages ORDER BY id`.execute(db);
      assert.deepEqual(
        rows.map((r) => `${r.id} ${r.state} ${r.reason}`),
        [
          'cmp_running_0 sent null',
          'cmp_running_1 skipped not_on_whatsapp',
          'cmp_running_2 queued null',
          'cmp_stopped_0 read null',
          'cmp_stopped_1 sent null',
          'cmp_stopped_2 skipped suppressed',
          'cmp_stopped_3 cancelled campaign_stopped',
          'cmp_stopped_4 failed permanent',
          'cmp_stopped_5 cancelled campaign_stopped',
          'cmp_stopped_6 cancelled campaign_stopped',
        ],
      );
      const { stored, recounted } = await campaignCounters(db);
      assert.deepEqual(stored, recounted);
      assert.equal(stored.cmp_stopped?.cancelled, 3);
      assert.equal(stored.cmp_stopped?.skipped, 1);
      assert.equal(stored.cmp_running?.cancelled, 0);
      // The column refuses nothing new: a campaign made after the migration starts at 0.
      await sql`INSERT INTO campaigns (id, workspace_id, name, audience, pacing, status, created_at, updated_at)
        VALUES ('cmp_new', 'ws_1', 'n', '{}', '{}', 'draft', 0, 0)`.execute(db);
      assert.equal((await campaignCounters(db)).stored.cmp_new?.cancelled, 0);
    });
  });
}

test('sqlite: after 0006 the tags are the primary key itself, and lists by status still use the index', async () => {
  await withEmptyDatabase('sqlite', async (db) => {
    await migrate(db, 'sqlite');
    const { rows } = await sql<{
      ddl: string;
    }>`SELECT sql AS ddl FROM sqlite_master WHERE name = 'contact_tags'`.execute(db);
    assert.match(rows[0]?.ddl ?? '', /WITHOUT ROWID$/);
    const { rows: plan } = await sql<{ detail: string }>`
      EXPLAIN QUERY PLAN SELECT id FROM contacts INDEXED BY contacts_with_status
      WHERE workspace_id = 'w' AND status IN ('a', 'b')`.execute(db);
    assert.match(plan[0]?.detail ?? '', /contacts_with_status/);
  });
});
