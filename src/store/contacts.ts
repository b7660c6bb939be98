import type { Consent, Contact, ContactFilter, FieldValue } from '../domain/contact.ts';
import { KurirError } from '../domain/errors.ts';
import { contactFilterWhere } from './contact-filter.ts';
import { type ContactTable, type Db, type Dialect, readJson, writeJson } from './database.ts';
import { isUniqueViolation } from './sql-errors.ts';

export function toContact(row: ContactTable): Contact {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    phone: row.phone,
    name: row.name,
    fields: readJson<Record<string, FieldValue>>(row.fields),
    tags: readJson<string[]>(row.tags),
    status: row.status,
    consent: row.consent_at === null ? null : { optedInAt: row.consent_at, source: row.consent_source },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ContactPatch {
  phone?: string;
  name?: string | null;
  fields?: Record<string, FieldValue>;
  tags?: string[];
  status?: string | null;
  consent?: Consent | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `before` for the next page; null on the last page. */
  next: string | null;
}

export class ContactRepository {
  readonly #db: Db;
  readonly #dialect: Dialect;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  /** Inserts a contact with its tags; a phone already in the workspace is `contact.duplicate_phone`. */
  async create(contact: Contact): Promise<Contact> {
    try {
      await this.#db
        .insertInto('contacts')
        .values({
          id: contact.id,
          workspace_id: contact.workspaceId,
          phone: contact.phone,
          name: contact.name,
          fields: writeJson(contact.fields),
          tags: writeJson(contact.tags),
          status: contact.status,
          consent_at: contact.consent?.optedInAt ?? null,
          consent_source: contact.consent?.source ?? null,
          created_at: contact.createdAt,
          updated_at: contact.updatedAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new KurirError(
          'contact.duplicate_phone',
          `A contact with phone ${contact.phone} already exists`,
          {
            errors: [{ pointer: '/phone', detail: 'is already used by another contact' }],
            cause: error,
          },
        );
      }
      throw error;
    }
    await this.#writeTags(contact.workspaceId, contact.id, contact.tags);
    await this.recordFieldKeys(contact.workspaceId, Object.keys(contact.fields));
    return contact;
  }

  async get(workspaceId: string, id: string): Promise<Contact | null> {
    const row = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toContact(row) : null;
  }

  async getByPhone(workspaceId: string, phone: string): Promise<Contact | null> {
    const row = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row ? toContact(row) : null;
  }

  /** Applies a partial update; fields given replace the stored ones whole. Null when not found. */
  async update(workspaceId: string, id: string, patch: ContactPatch, now: number): Promise<Contact | null> {
    const values: Partial<ContactTable> = { updated_at: now };
    if (patch.phone !== undefined) values.phone = patch.phone;
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.fields !== undefined) values.fields = writeJson(patch.fields);
    if (patch.tags !== undefined) values.tags = writeJson(patch.tags);
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.consent !== undefined) {
      values.consent_at = patch.consent?.optedInAt ?? null;
      values.consent_source = patch.consent?.source ?? null;
    }
    let changed: bigint;
    try {
      const result = await this.#db
        .updateTable('contacts')
        .set(values)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      changed = result.numUpdatedRows;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new KurirError(
          'contact.duplicate_phone',
          `A contact with phone ${patch.phone} already exists`,
          {
            errors: [{ pointer: '/phone', detail: 'is already used by another contact' }],
            cause: error,
          },
        );
      }
      throw error;
    }
    if (changed === 0n) return null;
    if (patch.tags !== undefined) {
      await this.#db.deleteFrom('contact_tags').where('contact_id', '=', id).execute();
      await this.#writeTags(workspaceId, id, patch.tags);
    }
    if (patch.fields !== undefined) await this.recordFieldKeys(workspaceId, Object.keys(patch.fields));
    return this.get(workspaceId, id);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('contacts')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes every contact the filter selects; returns how many went. */
  async deleteMatching(workspaceId: string, filter: ContactFilter): Promise<number> {
    const result = await this.#db
      .deleteFrom('contacts')
      .where((eb) => contactFilterWhere(eb, this.#dialect, workspaceId, filter))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Newest first; `before` is the `next` of the previous page. */
  async list(
    workspaceId: string,
    filter: ContactFilter,
    page: { limit: number; before?: string },
  ): Promise<Page<Contact>> {
    let query = this.#db
      .selectFrom('contacts')
      .selectAll()
      .where((eb) => contactFilterWhere(eb, this.#dialect, workspaceId, filter));
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map(toContact);
    const next = rows.length > page.limit ? (items.at(-1)?.id ?? null) : null;
    return { items, next };
  }

  async count(workspaceId: string, filter: ContactFilter): Promise<number> {
    const row = await this.#db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => contactFilterWhere(eb, this.#dialect, workspaceId, filter))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Every matching contact, oldest first, read in keyset pages so an export of a million
   * contacts holds one page in memory and never keeps a read transaction open between pages.
   */
  async *stream(workspaceId: string, filter: ContactFilter, pageSize = 1000): AsyncGenerator<Contact> {
    let after: string | null = null;
    for (;;) {
      let query = this.#db
        .selectFrom('contacts')
        .selectAll()
        .where((eb) => contactFilterWhere(eb, this.#dialect, workspaceId, filter));
      if (after !== null) query = query.where('id', '>', after);
      const rows = await query.orderBy('id').limit(pageSize).execute();
      for (const row of rows) yield toContact(row);
      if (rows.length < pageSize) return;
      after = rows.at(-1)?.id ?? null;
    }
  }

  /** Custom field keys any contact of the workspace has had, for template validation. */
  async fieldKeys(workspaceId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('field_keys')
      .select('key')
      .where('workspace_id', '=', workspaceId)
      .orderBy('key')
      .execute();
    return rows.map((r) => r.key);
  }

  async recordFieldKeys(workspaceId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#db
      .insertInto('field_keys')
      .values(keys.map((key) => ({ workspace_id: workspaceId, key })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async #writeTags(workspaceId: string, contactId: string, tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.#db
      .insertInto('contact_tags')
      .values(tags.map((tag) => ({ workspace_id: workspaceId, contact_id: contactId, tag })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
