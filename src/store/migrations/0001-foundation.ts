import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Workspaces, API keys, contacts with tags, suppressions, templates, uploaded files and
 * import jobs. Never edit once merged: add a new numbered migration instead.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_country', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_keys_workspace').on('api_keys').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('fields', json, (c) => c.notNull())
    .addColumn('tags', json, (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('consent_at', 'bigint')
    .addColumn('consent_source', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contacts_workspace_phone', ['workspace_id', 'phone'])
    .execute();
  await db.schema
    .createIndex('contacts_workspace_id')
    .on('contacts')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('contacts_workspace_status')
    .on('contacts')
    .columns(['workspace_id', 'status', 'id'])
    .execute();

  // Tags are also kept on the contact row (as JSON) for reads; this table answers
  // "contacts with tag X" with an index instead of a scan of every contact's JSON.
  await db.schema
    .createTable('contact_tags')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag'])
    .execute();
  await db.schema
    .createIndex('contact_tags_workspace_tag')
    .on('contact_tags')
    .columns(['workspace_id', 'tag', 'contact_id'])
    .execute();

  await db.schema
    .createTable('field_keys')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('field_keys_pk', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('suppressions_workspace_phone', ['workspace_id', 'phone'])
    .execute();
  await db.schema
    .createIndex('suppressions_workspace_id')
    .on('suppressions')
    .columns(['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('variants', json, (c) => c.notNull())
    .addColumn('attachments', json, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('templates_workspace_name', ['workspace_id', 'name'])
    .execute();
  await db.schema
    .createIndex('templates_workspace_id')
    .on('templates')
    .columns(['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_workspace_id').on('files').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('options', json, (c) => c.notNull())
    .addColumn('total_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('done_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_workspace_id').on('jobs').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status']).execute();

  await db.schema
    .createTable('import_rejections')
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('line', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_rejections_pk', ['job_id', 'line'])
    .execute();
}
