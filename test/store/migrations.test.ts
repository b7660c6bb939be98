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

      assert.deepEqual(await migrate(db, backend, { schema }), ['0006-compact-contact-indexes']);

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
