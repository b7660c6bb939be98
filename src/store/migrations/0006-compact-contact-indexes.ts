import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Fewer B-trees per contact, for workspaces of millions. Never edit once merged: add a new
 * numbered migration instead.
 *
 * - The status index holds only contacts that have a status. Lists filter by status with
 *   `IN`, which implies "not null", so both databases still use it; most imported contacts
 *   have no status, and each was one more index entry to write.
 * - On SQLite, `contact_tags` becomes a `WITHOUT ROWID` table: its primary key
 *   `(contact_id, tag)` is the table itself instead of a second B-tree beside the rows.
 *   PostgreSQL keeps rows and keys apart anyway.
 *
 * Together: the database of `npm run bench:import` (1M contacts, no statuses, half with
 * tags) is a fifth smaller, 468 MB instead of 587, and its writes a few percent cheaper.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Kysely runs a PostgreSQL migration in a transaction but not a SQLite one, and this one
  // must not stop halfway, with the tags copied and the old table still there.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => compact(trx, dialect));
  else await compact(db, dialect);
}

async function compact(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Built before the old one is dropped: on PostgreSQL building takes a lock that lets
  // reads of contacts go on, dropping one that stops them until the migration commits.
  await db.schema
    .createIndex('contacts_with_status')
    .on('contacts')
    .columns(['workspace_id', 'status', 'id'])
    .where('status', 'is not', null)
    .execute();
  await db.schema.dropIndex('contacts_workspace_status').execute();
  if (dialect !== 'sqlite') return;

  await db.schema
    .createTable('contact_tags_compact')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag'])
    .modifyEnd(sql`WITHOUT ROWID`)
    .execute();
  await sql`INSERT INTO contact_tags_compact (workspace_id, contact_id, tag)
      SELECT workspace_id, contact_id, tag FROM contact_tags ORDER BY contact_id, tag`.execute(db);
  // Nothing refers to contact_tags, so dropping it cascades nowhere.
  await db.schema.dropTable('contact_tags').execute();
  await db.schema.alterTable('contact_tags_compact').renameTo('contact_tags').execute();
  await db.schema
    .createIndex('contact_tags_workspace_tag')
    .on('contact_tags')
    .columns(['workspace_id', 'tag', 'contact_id'])
    .execute();
}
