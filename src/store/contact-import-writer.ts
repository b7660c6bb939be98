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

  async #run(text: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.#db.executeQuery(CompiledQuery.raw(text, parameters));
    return result.rows as Record<string, unknown>[];
  }

  async #existing(workspaceId: string, phones: string[]): Promise<Map<string, Existing>> {
    const found = new Map<string, Existing>();
    for (let start = 0; start < phones.length; start += MAX_LOOKUP) {
      const chunk = phones.slice(start, start + MAX_LOOKUP);
      // Padded to a power of two with repeats of the last phone (harmless inside IN), so
      // a batch's lookup reuses one of a dozen prepared statements whatever its size.
      const size = 2 ** Math.ceil(Math.log2(chunk.length));
      const last = chunk[chunk.length - 1] as string;
      while (chunk.length < size) chunk.push(last);
      const rows = await this.#run(
        sqlText(`existing:${this.#dialect}:${size}`, () => {
          const list = chunk.map((_, i) => placeholder(this.#dialect, i + 2)).join(',');
          return `SELECT id, phone, name, fields, tags, status FROM contacts WHERE workspace_id = ${placeholder(this.#dialect, 1)} AND phone IN (${list})`;
        }),
        [workspaceId, ...chunk],
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
    }
    return found;
  }

  async #insertContacts(workspaceId: string, contacts: Existing[], now: number): Promise<void> {
    const rows = contacts.map((c) => [
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
    ]);
    await this.#insertRows('contacts', CONTACT_COLUMNS, rows, '');
  }

  async #updateContact(c: Existing, now: number): Promise<void> {
    const p = (i: number) => placeholder(this.#dialect, i);
    await this.#run(
      `UPDATE contacts SET name = ${p(1)}, fields = ${p(2)}, tags = ${p(3)}, status = ${p(4)}, updated_at = ${p(5)} WHERE id = ${p(6)}`,
      [c.name, JSON.stringify(c.fields), JSON.stringify(c.tags), c.status, now, c.id],
    );
  }

  async #insertTags(workspaceId: string, pairs: [string, string][]): Promise<void> {
    const rows = pairs.map(([contactId, tag]) => [workspaceId, contactId, tag]);
    await this.#insertRows('contact_tags', TAG_COLUMNS, rows, ' ON CONFLICT DO NOTHING');
  }

  async #insertFieldKeys(workspaceId: string, keys: string[]): Promise<void> {
    const rows = keys.map((key) => [workspaceId, key]);
    await this.#insertRows('field_keys', FIELD_KEY_COLUMNS, rows, ' ON CONFLICT DO NOTHING');
  }

  /**
   * Multi-row INSERTs in statements of fixed sizes: as many of {@link MAX_INSERT_ROWS} as
   * fit, then the powers of two that make up the rest. A batch thus runs a few statements
   * whose texts repeat from batch to batch, so SQLite reuses their prepared forms (cached by
   * text) instead of compiling and caching a new 10,000-parameter statement per batch, which
   * cost a millisecond each and hundreds of MB of statement cache over a large import.
   * No statement passes SQLite's (32,766) or PostgreSQL's (65,535) parameter limit.
   */
  async #insertRows(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    suffix: string,
  ): Promise<void> {
    let start = 0;
    while (start < rows.length) {
      const left = rows.length - start;
      const size = left >= MAX_INSERT_ROWS ? MAX_INSERT_ROWS : 2 ** Math.floor(Math.log2(left));
      const params: unknown[] = [];
      for (let i = start; i < start + size; i++) for (const v of rows[i] as unknown[]) params.push(v);
      const text = sqlText(`${table}:${this.#dialect}:${size}`, () => {
        let n = 0;
        const tuple = () => `(${columns.map(() => placeholder(this.#dialect, ++n)).join(',')})`;
        return `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array.from({ length: size }, tuple).join(',')}${suffix}`;
      });
      await this.#run(text, params);
      start += size;
    }
  }
}

const TAG_COLUMNS = ['workspace_id', 'contact_id', 'tag'] as const;
const FIELD_KEY_COLUMNS = ['workspace_id', 'key'] as const;
/** Rows per INSERT statement at most: 11 columns × 512 = 5,632 parameters. */
const MAX_INSERT_ROWS = 512;
/** Phones per existence lookup at most. */
const MAX_LOOKUP = 1024;

function placeholder(dialect: Dialect, index: number): string {
  return dialect === 'postgres' ? `$${index}` : '?';
}

/**
 * SQL texts by shape, built once per process. A memo of pure strings, not state: the same
 * string object also lets the SQLite adapter's statement cache find it without rehashing
 * 60 KB of text per batch.
 */
const sqlTexts = new Map<string, string>();

function sqlText(key: string, build: () => string): string {
  let text = sqlTexts.get(key);
  if (text === undefined) {
    text = build();
    sqlTexts.set(key, text);
  }
  return text;
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
