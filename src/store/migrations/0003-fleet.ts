import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Real drivers and the sender fleet: encrypted session keys, health and its history,
 * sticky sender choice per contact, a campaign's sender strategy. Never edit once merged.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // WhatsApp Web signal keys, one row per key, each value encrypted (the sender's
  // credentials themselves sit encrypted in senders.secret).
  await db.schema
    .createTable('sender_keys')
    .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sender_keys_pk', ['sender_id', 'type', 'key_id'])
    .execute();

  await db.schema
    .alterTable('senders')
    .addColumn('health', 'integer', (c) => c.notNull().defaultTo(100))
    .execute();
  await db.schema
    .alterTable('senders')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sender_health')
    .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('health', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sender_health_pk', ['sender_id', 'at'])
    .execute();

  // Which sender last reached a phone, for campaigns that keep a contact on one number.
  await db.schema
    .createTable('sticky_senders')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sticky_senders_pk', ['workspace_id', 'phone'])
    .execute();

  await db.schema
    .alterTable('campaigns')
    .addColumn('sender_strategy', 'text', (c) => c.notNull().defaultTo(sql`'round_robin'`))
    .execute();

  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  await db.schema.alterTable('templates').addColumn('whatsapp_template', json).execute();

  // Stats count a sender's sends per hour and day.
  await db.schema
    .createIndex('messages_sender_sent')
    .on('messages')
    .columns(['sender_id', 'sent_at'])
    .execute();
}
