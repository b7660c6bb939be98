import { KurirError } from '../domain/errors.ts';
import type { Attachment, Template, WhatsappTemplate } from '../domain/template.ts';
import type { Page } from './contacts.ts';
import { type Db, readJson, type TemplateTable, writeJson } from './database.ts';
import { isUniqueViolation } from './sql-errors.ts';

function toTemplate(row: TemplateTable): Template {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    variants: readJson<string[]>(row.variants),
    attachments: readJson<Attachment[]>(row.attachments),
    ...(row.whatsapp_template === null
      ? {}
      : { whatsappTemplate: readJson<WhatsappTemplate>(row.whatsapp_template) }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function duplicateName(name: string, cause: unknown): KurirError {
  return new KurirError('template.duplicate_name', `A template named "${name}" already exists`, {
    errors: [{ pointer: '/name', detail: 'is already used by another template' }],
    cause,
  });
}

export class TemplateRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(template: Template): Promise<Template> {
    try {
      await this.#db
        .insertInto('templates')
        .values({
          id: template.id,
          workspace_id: template.workspaceId,
          name: template.name,
          variants: writeJson(template.variants),
          attachments: writeJson(template.attachments),
          whatsapp_template: template.whatsappTemplate ? writeJson(template.whatsappTemplate) : null,
          created_at: template.createdAt,
          updated_at: template.updatedAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(template.name, error);
      throw error;
    }
    return template;
  }

  async get(workspaceId: string, id: string): Promise<Template | null> {
    const row = await this.#db
      .selectFrom('templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toTemplate(row) : null;
  }

  /** Replaces name, variants and attachments; null when not found. */
  async replace(template: Template): Promise<Template | null> {
    try {
      const result = await this.#db
        .updateTable('templates')
        .set({
          name: template.name,
          variants: writeJson(template.variants),
          attachments: writeJson(template.attachments),
          whatsapp_template: template.whatsappTemplate ? writeJson(template.whatsappTemplate) : null,
          updated_at: template.updatedAt,
        })
        .where('workspace_id', '=', template.workspaceId)
        .where('id', '=', template.id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return null;
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(template.name, error);
      throw error;
    }
    return this.get(template.workspaceId, template.id);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('templates')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(workspaceId: string, page: { limit: number; before?: string }): Promise<Page<Template>> {
    let query = this.#db.selectFrom('templates').selectAll().where('workspace_id', '=', workspaceId);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map(toTemplate);
    return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
