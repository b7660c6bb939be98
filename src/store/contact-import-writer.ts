import { CompiledQuery } from 'kysely';
import type { FieldValue } from '../domain/contact.ts';
import type { IdFactory } from '../domain/id.ts';
import type { OnDuplicate } from '../domain/job.ts';
import { type Db, type Dialect, readJson } from './database.ts';

/** One CSV row after mapping and phone normalisation. Undefined means "column not mapped". */
export interface ImportRow {
  line: number;
  phone: string;
  name?: string;
  status?: string;
  tags: string[];
  fields: Record<string, FieldValue>;
}

export interface BatchOutcome {
  imported: number;
  updated: number;
  skipped: number;
}

const CONTACT_COLUMNS = [
  'id',
  'workspace_id',
  'phone',
  'name',
  'fields',
  'tags',
  'status',
  'consent_at',
  'consent_source',
  'created_at',
  'updated_at',
] as const;

interface Existing {
  id: string;
  phone: string;
  name: string | null;
  fields: Record<string, FieldValue>;
  tags: string[];
  status: string | null;
}

/**
 * Writes one batch of imported rows. Runs inside the caller's transaction, so a batch and
 * the job's progress land together and an import resumed after a crash neither skips nor
 * repeats rows. SQL is written by hand here: the importer's budget is a few microseconds a
 * row, and building a 1,000-row insert through the query builder costs more than running it.
 */
export class ContactImportWriter {
  readonly #db: Db;
  readonly #dialect: Dialect;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async write(
    workspaceId: string,
    rows: readonly ImportRow[],
    onDuplicate: OnDuplicate,
    now: number,
    newId: IdFactory,
  ): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { imported: 0, updated: 0, skipped: 0 };
    // Repeats of one phone inside the batch fold into its first row, as a later batch's
    // repeat would meet the stored contact.
    const byPhone = new Map<string, ImportRow>();
    const repeats: ImportRow[] = [];
    for (const row of rows) {
      if (byPhone.has(row.phone)) repeats.push(row);
      else byPhone.set(row.phone, row);
    }
    const existing = await this.#existing(workspaceId, [...byPhone.keys()]);

    const inserts: ImportRow[] = [];
    const updates = new Map<string, Existing>();
    for (const row of byPhone.values()) {
      const found = existing.get(row.phone);
      if (found === undefined) {
        inserts.push(row);
        outcome.imported++;
      } else if (onDuplicate === 'skip') {
        outcome.skipped++;
      } else {
        updates.set(row.phone, merge(found, row));
        outcome.updated++;
      }
    }
    const inserted = new Map<string, Existing>();
    const insertedRows = inserts.map((row) => {
      const contact: Existing = {
        id: newId('ct'),
        phone: row.phone,
        name: row.name ?? null,
        fields: row.fields,
        tags: row.tags,
        status: row.status ?? null,
      };
      inserted.set(row.phone, contact);
      return contact;
    });
    for (const row of repeats) {
      if (onDuplicate === 'skip') {
        outcome.skipped++;
        continue;
      }
      const target = inserted.get(row.phone) ?? updates.get(row.phone);
      const base = target ?? existing.get(row.phone);
      if (base === undefined) continue; // unreachable: every repeat's phone is in the batch
      const merged = merge(base, row);
      if (inserted.has(row.phone)) {
        Object.assign(inserted.get(row.phone) as Existing, merged);
      } else {
        updates.set(row.phone, merged);
      }
      outcome.updated++;
    }

    await this.#insertContacts(workspaceId, insertedRows, now);
    for (const contact of updates.values()) await this.#updateContact(contact, now);
    const tagRows: [string, string][] = [];
    for (const c of [...insertedRows, ...updates.values()]) for (const t of c.tags) tagRows.push([c.id, t]);
    await this.#insertTags(workspaceId, tagRows);
    const keys = new Set<string>();
    for (const row of rows) for (const k of Object.keys(row.fields)) keys.add(k);
    await this.#insertFieldKeys(workspaceId, [...keys]);
    return outcome;
  }

  #placeholder(index: number): string {
    return this.#dialect === 'postgres' ? `$${index}` : '?';
  }

  async #run(text: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.#db.executeQuery(CompiledQuery.raw(text, parameters));
    return result.rows as Record<string, unknown>[];
  }

  async #existing(workspaceId: string, phones: string[]): Promise<Map<string, Existing>> {
    const found = new Map<string, Existing>();
    if (phones.length === 0) return found;
    const list = phones.map((_, i) => this.#placeholder(i + 2)).join(',');
    const rows = await this.#run(
      `SELECT id, phone, name, fields, tags, status FROM contacts WHERE workspace_id = ${this.#placeholder(1)} AND phone IN (${list})`,
      [workspaceId, ...phones],
    );
    for (const r of rows) {
      found.set(r.phone as string, {
        id: r.id as string,
        phone: r.phone as string,
        name: r.name as string | null,
        fields: readJson(r.fields),
        tags: readJson(r.tags),
        status: r.status as string | null,
      });
    }
    return found;
  }

  async #insertContacts(workspaceId: string, contacts: Existing[], now: number): Promise<void> {
    if (contacts.length === 0) return;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const c of contacts) {
      const values = [
        c.id,
        workspaceId,
        c.phone,
        c.name,
        JSON.stringify(c.fields),
        JSON.stringify(c.tags),
        c.status,
        null,
        null,
        now,
        now,
      ];
      tuples.push(`(${values.map((_, i) => this.#placeholder(params.length + i + 1)).join(',')})`);
      params.push(...values);
    }
    await this.#run(`INSERT INTO contacts (${CONTACT_COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, params);
  }

  async #updateContact(c: Existing, now: number): Promise<void> {
    const p = (i: number) => this.#placeholder(i);
    await this.#run(
      `UPDATE contacts SET name = ${p(1)}, fields = ${p(2)}, tags = ${p(3)}, status = ${p(4)}, updated_at = ${p(5)} WHERE id = ${p(6)}`,
      [c.name, JSON.stringify(c.fields), JSON.stringify(c.tags), c.status, now, c.id],
    );
  }

  async #insertTags(workspaceId: string, pairs: [string, string][]): Promise<void> {
    // Chunked so no statement passes SQLite's or PostgreSQL's bound-parameter limit.
    for (let start = 0; start < pairs.length; start += 5000) {
      const chunk = pairs.slice(start, start + 5000);
      const params: unknown[] = [];
      const tuples = chunk.map(([contactId, tag]) => {
        params.push(workspaceId, contactId, tag);
        const n = params.length;
        return `(${this.#placeholder(n - 2)},${this.#placeholder(n - 1)},${this.#placeholder(n)})`;
      });
      await this.#run(
        `INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`,
        params,
      );
    }
  }

  async #insertFieldKeys(workspaceId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const params: unknown[] = [];
    const tuples = keys.map((key) => {
      params.push(workspaceId, key);
      return `(${this.#placeholder(params.length - 1)},${this.#placeholder(params.length)})`;
    });
    await this.#run(
      `INSERT INTO field_keys (workspace_id, key) VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** An imported row over a stored contact: mapped columns win, tags and fields accumulate. */
function merge(base: Existing, row: ImportRow): Existing {
  return {
    id: base.id,
    phone: base.phone,
    name: row.name !== undefined && row.name !== '' ? row.name : base.name,
    fields: { ...base.fields, ...row.fields },
    tags: [...new Set([...base.tags, ...row.tags])],
    status: row.status !== undefined && row.status !== '' ? row.status : base.status,
  };
}
