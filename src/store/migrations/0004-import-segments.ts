import type { Kysely } from 'kysely';

/**
 * Import segments. Never edit once merged: add a new numbered migration instead.
 *
 * An import's file is read in segments of consecutive records, each merged into contacts
 * in phone order (see store/contact-import-writer.ts); a segment's row says where it
 * starts in the file and how far its merge got, so a resumed import continues there. A
 * job queued before this migration has no segments and is read as one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_segments')
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('start_byte', 'bigint', (c) => c.notNull())
    .addColumn('start_line', 'bigint', (c) => c.notNull())
    .addColumn('merged_items', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('import_segments_pk', ['job_id', 'seq'])
    .execute();
}
