import type { FieldValue } from '../domain/contact.ts';
import type { IdFactory } from '../domain/id.ts';
import type { OnDuplicate } from '../domain/job.ts';
import type { Db, Dialect } from './database.ts';
import { RawSql } from './raw-sql.ts';
import { WalCheckpointer } from './sqlite/wal-checkpointer.ts';

/**
 * One contact as an import brings it: `[phone, name, status, tags, fields]`, null for a
 * property the file gives no value. Every row of a chunk that has this phone is already
 * folded in, in file order (see the engine's `SegmentRows`).
 */
export type ImportedContact = [
  phone: string,
  name: string | null,
  status: string | null,
  tags: string[],
  fields: Record<string, FieldValue>,
];

/** Contacts to write in one transaction. */
export interface ImportChunk {
  /**
   * UTF-8 text of a JSON array of {@link ImportedContact}, sorted by phone, each phone once.
   * Bytes rather than a string: a reader thread hands them over without a copy, and on
   * SQLite they go to the database without ever becoming a JavaScript string (see
   * {@link ContactImportWriter}).
   */
  contacts: Uint8Array;
  /** How many contacts `contacts` holds. */
  count: number;
  /** File rows they stand for: a phone the file repeats counts once per row. */
  rows: number;
}

export interface BatchOutcome {
  imported: number;
  updated: number;
  skipped: number;
}

/** Where one segment of an import's file starts. */
export interface SegmentStart {
  byte: number;
  line: number;
}

/** A segment with how far its merge got. */
export interface ImportSegment extends SegmentStart {
  seq: number;
  /** Items (rejections, then contacts) of the segment already written. */
  mergedItems: number;
  done: boolean;
}

/** What a long run of import transactions tells the store between them. */
export interface BulkWrites extends AsyncDisposable {
  /**
   * Call after each committed chunk. Resolves at once, or, when the write-ahead log has
   * grown past its bound, once it has been copied back into the database (the event loop
   * turns meanwhile).
   */
  committed(): Promise<void>;
}

/**
 * A contact someone deleted between this chunk's insert and its update: the chunk's counts
 * would be wrong, so it is rolled back and written again. Only PostgreSQL, where other
 * connections commit between statements, can see it.
 */
export class ImportChunkRaced extends Error {}

/** Ids are `ct_` + 10 time + 10 random characters per chunk + a 6-digit position. */
const ID_PREFIX_LENGTH = 'ct_'.length + 20;

/**
 * Writes an import's contacts. SQL is written by hand: a chunk is ~5,000 contacts passed
 * as one JSON parameter and expanded by the database (`jsonb_each`,
 * `jsonb_array_elements`), so the main thread binds one value instead of 50,000 and the
 * rows never pass through JavaScript objects on their way in. On SQLite the JSON is bound
 * as the bytes it arrived in (a blob, read back as text): a 1M-row import otherwise held
 * ~100 MB of chunk strings and their garbage in the main thread's heap.
 *
 * The contacts of a chunk arrive sorted by phone, and their new ids are given in that order
 * (one id prefix per chunk, then the position): each chunk's inserts land in one narrow
 * range of the phone index and at the end of the id indexes, so SQLite writes each touched
 * page once per chunk instead of once per row. Ids keep Kurir's format and sort after
 * every older id; the prefix carries 50 random bits, so chunks of different jobs and
 * processes never share one.
 *
 * Everything runs inside the caller's transaction, so a chunk and the job's progress land
 * together and a resumed import neither skips nor repeats rows.
 */
export class ContactImportWriter {
  readonly #sql: RawSql;
  readonly #dialect: Dialect;
  readonly #statements: ChunkStatements;

  constructor(db: Db, dialect: Dialect) {
    this.#sql = new RawSql(db, dialect);
    this.#dialect = dialect;
    this.#statements = dialect === 'postgres' ? POSTGRES : SQLITE;
  }

  /** Stores where each segment of a job's file starts, the first at index 0. */
  async createSegments(jobId: string, starts: readonly SegmentStart[]): Promise<void> {
    const p = (i: number) => this.#sql.p(i);
    for (let from = 0; from < starts.length; from += 1000) {
      const part = starts.slice(from, from + 1000);
      const tuples = part.map((_, i) => `(${p(1)}, ${p(3 * i + 2)}, ${p(3 * i + 3)}, ${p(3 * i + 4)}, 0, 0)`);
      const parameters: unknown[] = [jobId];
      for (const [i, s] of part.entries()) parameters.push(from + i, s.byte, s.line);
      await this.#sql.run(
        `INSERT INTO import_segments (job_id, seq, start_byte, start_line, merged_items, done) VALUES ${tuples.join(',')}`,
        parameters,
      );
    }
  }

  /** The job's segments in file order; empty for a job stored without any. */
  async segments(jobId: string): Promise<ImportSegment[]> {
    const rows = await this.#sql.rows<{
      seq: number;
      start_byte: number;
      start_line: number;
      merged_items: number;
      done: number;
    }>(
      `SELECT seq, start_byte, start_line, merged_items, done FROM import_segments WHERE job_id = ${this.#sql.p(1)} ORDER BY seq`,
      [jobId],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      byte: Number(r.start_byte),
      line: Number(r.start_line),
      mergedItems: Number(r.merged_items),
      done: Number(r.done) === 1,
    }));
  }

  /** Moves a segment's resume point; call in the transaction that wrote those items. */
  async recordSegment(jobId: string, seq: number, mergedItems: number, done: boolean): Promise<void> {
    const p = (i: number) => this.#sql.p(i);
    await this.#sql.run(
      `UPDATE import_segments SET merged_items = ${p(1)}, done = ${p(2)} WHERE job_id = ${p(3)} AND seq = ${p(4)}`,
      [mergedItems, done ? 1 : 0, jobId, seq],
    );
  }

  /**
   * Writes one chunk: phones new to the workspace become contacts, stored ones are updated
   * (mapped values overwrite, tags and fields accumulate) or left alone (`skip`). Counts
   * per file row: a new phone the file has three times is one import and two updates
   * (or skips), as if the rows had been written one by one.
   *
   * A contact created by someone else meanwhile is met by the unique index and treated as
   * stored, so a phone is never in the workspace twice.
   *
   * With `membersOf` (a job id), every contact of the chunk, whether new, updated or
   * skipped, is also noted as listed in that job's file: an audience upload.
   */
  async write(
    workspaceId: string,
    chunk: ImportChunk,
    onDuplicate: OnDuplicate,
    now: number,
    newId: IdFactory,
    membersOf: string | null = null,
  ): Promise<BatchOutcome> {
    if (chunk.count === 0) return { imported: 0, updated: 0, skipped: 0 };
    // node-postgres would send bytes as bytea, which does not cast to jsonb.
    const contacts = this.#dialect === 'postgres' ? utf8.decode(chunk.contacts) : chunk.contacts;
    const outcome = await this.#merge(workspaceId, chunk, contacts, onDuplicate, now, newId);
    if (membersOf !== null) await this.#sql.run(this.#statements.members, [membersOf, workspaceId, contacts]);
    return outcome;
  }

  async #merge(
    workspaceId: string,
    chunk: ImportChunk,
    contacts: Uint8Array | string,
    onDuplicate: OnDuplicate,
    now: number,
    newId: IdFactory,
  ): Promise<BatchOutcome> {
    const prefix = newId('ct').slice(0, ID_PREFIX_LENGTH);
    const q = this.#statements;
    const inserted = await this.#sql.run(q.insert, [prefix, workspaceId, now, contacts]);
    const repeats = chunk.rows - inserted;
    if (inserted === chunk.count) {
      await this.#sql.run(q.tagsOfInserted, [prefix, workspaceId, contacts]);
      return onDuplicate === 'skip'
        ? { imported: inserted, updated: 0, skipped: repeats }
        : { imported: inserted, updated: repeats, skipped: 0 };
    }
    if (onDuplicate === 'skip') {
      await this.#sql.run(q.tagsOfInsertedAmongStored, [prefix, workspaceId, contacts]);
      return { imported: inserted, updated: 0, skipped: repeats };
    }
    const updated = await this.#sql.run(q.update, [prefix, workspaceId, now, contacts]);
    if (inserted + updated !== chunk.count) throw new ImportChunkRaced();
    await this.#sql.run(q.tagsOfAll, [workspaceId, contacts]);
    return { imported: inserted, updated: repeats, skipped: 0 };
  }

  /**
   * Prepares the store for a long run of chunks. On a SQLite file, copying the write-ahead
   * log back into the database (a checkpoint) moves to a worker thread for the duration:
   * done on the main thread after each commit, as SQLite does by default, it took a third
   * of the import's time on the main thread and stalled a commit now and then for 300 ms.
   */
  async bulkWrites(): Promise<BulkWrites> {
    if (this.#dialect !== 'sqlite') return NO_BULK_WRITES;
    const files = await this.#sql.rows<{ name: string; file: string }>('PRAGMA database_list', []);
    const file = files.find((f) => f.name === 'main')?.file ?? '';
    if (file === '') return NO_BULK_WRITES; // an in-memory database has no log to copy
    return WalCheckpointer.start(file, this.#sql);
  }
}

const utf8 = new TextDecoder();

const NO_BULK_WRITES: BulkWrites = {
  committed: async () => {},
  [Symbol.asyncDispose]: async () => {},
};

interface ChunkStatements {
  /** Inserts the chunk's new phones; ?1 id prefix, ?2 workspace, ?3 now, ?4 contacts. */
  insert: string;
  /** Tags of every contact of the chunk, all just inserted; ?1 prefix, ?2 workspace, ?3 contacts. */
  tagsOfInserted: string;
  /** Tags of the contacts this chunk inserted, some phones being stored ones; same parameters. */
  tagsOfInsertedAmongStored: string;
  /**
   * Merges the chunk into stored contacts it did not insert; ?1 prefix, ?2 workspace, ?3 now,
   * ?4 contacts. Run for its count of changed rows (one per contact merged).
   */
  update: string;
  /** Tags of every contact of the chunk, inserted or updated; ?1 workspace, ?2 contacts. */
  tagsOfAll: string;
  /** Notes every contact of the chunk as listed in a job's file; ?1 job, ?2 workspace, ?3 contacts. */
  members: string;
}

const CONTACT_COLUMNS = 'id, workspace_id, phone, name, fields, tags, status, created_at, updated_at';

/**
 * SQLite: the chunk arrives as a blob, which JSON functions would read as binary JSON, so it
 * is cast to text first. `jsonb_each` yields the array's elements in order with their index as `key`, each
 * as a binary JSON value, so reading its five properties parses nothing again (`json_each`
 * hands out text, and every `->>` re-parsed it: a tenth of a 1M-row import's writing). The
 * `WHERE true` keeps `ON CONFLICT` from being read as a join constraint. Joins to contacts
 * are `CROSS JOIN`s, which SQLite never reorders, and the update's is materialised first
 * (an UPDATE's target is otherwise scanned outermost): without statistics the planner
 * takes `workspace_id = ?` for a handful of rows, puts contacts outside and re-reads the
 * whole chunk's JSON for every contact of the workspace (with 100,000 contacts, minutes
 * per chunk). Tags merge in order of first appearance, stored ones first;
 * `json_patch` overwrites the fields the import brings and appends new ones, as
 * `{ ...stored, ...imported }` would.
 */
const SQLITE: ChunkStatements = {
  insert: `INSERT INTO contacts (${CONTACT_COLUMNS})
    SELECT ?1 || printf('%06d', j.key), ?2, j.value ->> 0, j.value ->> 1, j.value -> 4, j.value -> 3,
      j.value ->> 2, ?3, ?3
    FROM jsonb_each(CAST(?4 AS TEXT)) AS j WHERE true
    ON CONFLICT (workspace_id, phone) DO NOTHING`,
  tagsOfInserted: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT ?2, ?1 || printf('%06d', j.key), t.value
    FROM jsonb_each(CAST(?3 AS TEXT)) AS j CROSS JOIN jsonb_each(j.value, '$[3]') AS t WHERE true
    ON CONFLICT DO NOTHING`,
  tagsOfInsertedAmongStored: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT ?2, c.id, t.value
    FROM jsonb_each(CAST(?3 AS TEXT)) AS j
      CROSS JOIN contacts AS c ON c.id = ?1 || printf('%06d', j.key)
      CROSS JOIN jsonb_each(j.value, '$[3]') AS t
    WHERE true
    ON CONFLICT DO NOTHING`,
  update: `WITH m AS MATERIALIZED (
      SELECT s.id AS id, j.value AS v
      FROM jsonb_each(CAST(?4 AS TEXT)) AS j CROSS JOIN contacts AS s ON s.workspace_id = ?2 AND s.phone = j.value ->> 0
      WHERE substr(s.id, 1, length(?1)) <> ?1
    )
    UPDATE contacts AS c SET
      name = coalesce(m.v ->> 1, c.name),
      status = coalesce(m.v ->> 2, c.status),
      fields = json_patch(c.fields, m.v -> 4),
      tags = (SELECT json_group_array(u.tag ORDER BY u.o) FROM (
        SELECT value AS tag, min(o) AS o FROM (
          SELECT value, key AS o FROM json_each(c.tags)
          UNION ALL SELECT value, 1000000 + key FROM json_each(m.v -> 3)
        ) GROUP BY value) AS u),
      updated_at = ?3
    FROM m WHERE c.id = m.id`,
  tagsOfAll: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT ?1, c.id, t.value
    FROM jsonb_each(CAST(?2 AS TEXT)) AS j
      CROSS JOIN contacts AS c ON c.workspace_id = ?1 AND c.phone = j.value ->> 0
      CROSS JOIN jsonb_each(j.value, '$[3]') AS t
    WHERE true
    ON CONFLICT DO NOTHING`,
  members: `INSERT INTO import_members (job_id, contact_id)
    SELECT ?1, c.id
    FROM jsonb_each(CAST(?3 AS TEXT)) AS j CROSS JOIN contacts AS c ON c.workspace_id = ?2 AND c.phone = j.value ->> 0
    WHERE true
    ON CONFLICT DO NOTHING`,
};

/**
 * PostgreSQL: the same with `jsonb_array_elements … WITH ORDINALITY` (1-based), and
 * `LATERAL` lookups for the same reason as SQLite's `CROSS JOIN`s: one index probe per
 * contact of the chunk, never a pass over the workspace. Parameters are cast: in
 * `INSERT … SELECT` nothing else tells PostgreSQL their types. `jsonb` objects merge with
 * `||` (keys the import brings win).
 */
const POSTGRES: ChunkStatements = {
  insert: `INSERT INTO contacts (${CONTACT_COLUMNS})
    SELECT $1::text || lpad((j.n - 1)::text, 6, '0'), $2::text, j.v ->> 0, j.v ->> 1, j.v -> 4, j.v -> 3,
      j.v ->> 2, $3::bigint, $3::bigint
    FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS j(v, n)
    ON CONFLICT (workspace_id, phone) DO NOTHING`,
  tagsOfInserted: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT $2::text, $1::text || lpad((j.n - 1)::text, 6, '0'), t.tag
    FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS j(v, n),
      jsonb_array_elements_text(j.v -> 3) AS t(tag)
    ON CONFLICT DO NOTHING`,
  tagsOfInsertedAmongStored: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT $2::text, c.id, t.tag
    FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS j(v, n)
      CROSS JOIN LATERAL (
        SELECT id FROM contacts WHERE id = $1::text || lpad((j.n - 1)::text, 6, '0')
      ) AS c
      CROSS JOIN LATERAL jsonb_array_elements_text(j.v -> 3) AS t(tag)
    ON CONFLICT DO NOTHING`,
  update: `UPDATE contacts AS c SET
      name = coalesce(m.v ->> 1, c.name),
      status = coalesce(m.v ->> 2, c.status),
      fields = c.fields || (m.v -> 4),
      tags = coalesce((SELECT jsonb_agg(u.tag ORDER BY u.o) FROM (
        SELECT x.tag, min(x.o) AS o FROM (
          SELECT a.tag, a.o FROM jsonb_array_elements_text(c.tags) WITH ORDINALITY AS a(tag, o)
          UNION ALL
          SELECT b.tag, 1000000 + b.o FROM jsonb_array_elements_text(m.v -> 3) WITH ORDINALITY AS b(tag, o)
        ) AS x GROUP BY x.tag) AS u), '[]'::jsonb),
      updated_at = $3::bigint
    FROM (
      SELECT s.id, j.v
      FROM jsonb_array_elements($4::jsonb) AS j(v)
        CROSS JOIN LATERAL (
          SELECT id FROM contacts
          WHERE workspace_id = $2::text AND phone = j.v ->> 0 AND left(id, length($1::text)) <> $1::text
        ) AS s
    ) AS m
    WHERE c.id = m.id`,
  tagsOfAll: `INSERT INTO contact_tags (workspace_id, contact_id, tag)
    SELECT $1::text, c.id, t.tag
    FROM jsonb_array_elements($2::jsonb) AS j(v)
      CROSS JOIN LATERAL (SELECT id FROM contacts WHERE workspace_id = $1::text AND phone = j.v ->> 0) AS c
      CROSS JOIN LATERAL jsonb_array_elements_text(j.v -> 3) AS t(tag)
    ON CONFLICT DO NOTHING`,
  members: `INSERT INTO import_members (job_id, contact_id)
    SELECT $1::text, c.id
    FROM jsonb_array_elements($3::jsonb) AS j(v)
      CROSS JOIN LATERAL (SELECT id FROM contacts WHERE workspace_id = $2::text AND phone = j.v ->> 0) AS c
    ON CONFLICT DO NOTHING`,
};
