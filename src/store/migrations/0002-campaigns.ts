import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Senders, campaigns and the message rows that are both the record and the queue.
 * Never edit once merged: add a new numbered migration instead.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';

  await db.schema
    .createTable('senders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('driver', 'text', (c) => c.notNull())
    .addColumn('config', json, (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('phone', 'text')
    .addColumn('connection', 'text', (c) => c.notNull())
    .addColumn('connection_reason', 'text')
    .addColumn('quota_per_minute', 'integer')
    .addColumn('quota_per_hour', 'integer')
    .addColumn('quota_per_day', 'integer')
    .addColumn('paused_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('senders_workspace_id').on('senders').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.references('templates.id').onDelete('set null'))
    .addColumn('template', json)
    .addColumn('audience', json, (c) => c.notNull())
    .addColumn('pacing', json, (c) => c.notNull())
    .addColumn('send_window', json)
    .addColumn('start_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pause_reason', 'text')
    .addColumn('error', 'text')
    .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('queued', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sending', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    // Audience expansion runs in chunks; the cursor is the last contact id expanded.
    .addColumn('expand_cursor', 'text')
    .addColumn('expanded_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('campaigns_workspace_id')
    .on('campaigns')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('campaigns_status').on('campaigns').columns(['status']).execute();

  await db.schema
    .createTable('campaign_senders')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_senders_pk', ['campaign_id', 'sender_id'])
    .execute();
  await db.schema
    .createIndex('campaign_senders_sender')
    .on('campaign_senders')
    .columns(['sender_id'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.references('campaigns.id').onDelete('cascade'))
    .addColumn('contact_id', 'text')
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .addColumn('sender_id', 'text', (c) => c.references('senders.id').onDelete('set null'))
    .addColumn('wa_id', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('variant', 'integer')
    .addColumn('claimed_at', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('read_at', 'bigint')
    .addColumn('reconcile_by', 'bigint')
    // Set when the outcome of an attempt is unknown and only a re-send through the same
    // sender is safe (WhatsApp drops a repeated id within one chat, not across senders).
    .addColumn('resend_via', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The claim query: due rows of one campaign in order.
  // Partial indexes: a message changes state several times, and each change rewrites the
  // entries of every index holding `state`. These hold only the rows their queries look
  // for, so most state changes touch none or one of them.
  // The claim query: due rows of one campaign in order.
  await db.schema
    .createIndex('messages_due')
    .on('messages')
    .columns(['campaign_id', 'next_at', 'seq'])
    .where(sql.ref('state'), '=', 'queued')
    .execute();
  // Re-sends pinned to a sender are claimed before anything else of the campaign.
  await db.schema
    .createIndex('messages_pinned')
    .on('messages')
    .columns(['campaign_id', 'resend_via', 'next_at'])
    .where(sql<boolean>`state = 'queued' AND resend_via IS NOT NULL`)
    .execute();
  // Recovery and reconciliation look only at rows in flight.
  await db.schema
    .createIndex('messages_sending')
    .on('messages')
    .columns(['reconcile_by'])
    .where(sql.ref('state'), '=', 'sending')
    .execute();
  await db.schema
    .createIndex('messages_campaign_seq')
    .on('messages')
    .columns(['campaign_id', 'seq'])
    .execute();
  // Receipts find their message by WhatsApp id.
  await db.schema.createIndex('messages_wa_id').on('messages').columns(['wa_id']).execute();
  await db.schema
    .createIndex('messages_workspace_id')
    .on('messages')
    .columns(['workspace_id', 'id'])
    .execute();
  // Quotas look back over a sender's recent claims.
  await db.schema
    .createIndex('messages_sender_claimed')
    .on('messages')
    .columns(['sender_id', 'claimed_at'])
    .execute();

  await db.schema
    .createTable('number_checks')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('on_whatsapp', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('number_checks_pk', ['workspace_id', 'phone'])
    .execute();
}
