import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * `cancelled`, a terminal message state of its own: what a stopped campaign never sent.
 * Until now a stop marked those rows `skipped` with the reason `campaign_stopped`, and every
 * count mixed them with suppressed and unreachable recipients. Never edit once merged: add
 * a new numbered migration instead.
 *
 * - `campaigns.cancelled` counts them beside `skipped`. Added with a constant default, it
 *   rewrites nothing on PostgreSQL (11 and later keep the default in the catalogue), so the
 *   exclusive lock it takes on `campaigns` lasts an instant.
 * - The rows move once. Only stopped campaigns have any, so the update walks those
 *   campaigns' rows by the `(campaign_id, seq)` index instead of scanning every message,
 *   and its row locks fall on terminal rows that nothing else writes.
 * - The two counters of those campaigns are then counted from their rows, so they equal
 *   a recount, as the queue's own writes keep them.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Kysely runs a PostgreSQL migration in a transaction but not a SQLite one; this one must
  // not stop with the rows moved and the counters not.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => cancel(trx));
  else await cancel(db);
}

async function cancel(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('cancelled', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE messages SET state = 'cancelled'
     WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'stopped')
       AND state = 'skipped' AND reason = 'campaign_stopped'`.execute(db);
  await sql`UPDATE campaigns SET
       skipped = (SELECT COUNT(*) FROM messages m WHERE m.campaign_id = campaigns.id AND m.state = 'skipped'),
       cancelled = (SELECT COUNT(*) FROM messages m WHERE m.campaign_id = campaigns.id AND m.state = 'cancelled')
     WHERE status = 'stopped'`.execute(db);
}
