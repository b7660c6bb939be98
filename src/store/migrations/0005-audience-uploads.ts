import type { Kysely } from 'kysely';

/**
 * Audience uploads: which contacts a campaign's CSV lists. Never edit once merged: add a
 * new numbered migration instead.
 *
 * No foreign key to contacts: a deleted contact's row is simply never matched (audiences
 * join contacts), and a key would need an index on contact_id, one more write per row of
 * every audience upload, only to make contact deletes find these rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_members')
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_members_pk', ['job_id', 'contact_id'])
    .execute();
}
