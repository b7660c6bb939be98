import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

type SqlValue = null | number | bigint | string | Uint8Array;

/** How many compiled statements to keep; Kurir issues a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Presents `node:sqlite` as the slice of better-sqlite3 that Kysely's SqliteDialect uses.
 * Statements are cached by SQL text: preparing costs more than running a small query,
 * and the dispatcher and importer issue the same few texts thousands of times a second.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, CachedStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Opens a file (or `:memory:`) with the settings every Kurir SQLite store relies on. */
  static open(location: string): NodeSqliteDatabase {
    const db = new DatabaseSync(location, { enableForeignKeyConstraints: true, timeout: 5000 });
    // Only takes effect on a new, empty file, before WAL mode writes its header; an existing
    // database keeps the page size it was made with. 8 KiB instead of 4 halves the pages,
    // log frames and write calls per row: a 1M-contact import spends a quarter less time in
    // its inserts, while the dispatcher's small commits stay within their bench's spread.
    db.exec('PRAGMA page_size = 8192');
    // WAL lets readers (a CLI, the dashboard) run beside the writer; NORMAL sync is durable
    // across process crashes in WAL mode, which is the crash Kurir promises to survive.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA busy_timeout = 5000');
    // 16 MiB of page cache instead of 2: a contact import merges each chunk into indexes
    // over every contact of the workspace (phone, id, tags), and with 2 MiB it re-read most
    // of their pages from the OS for every chunk (1M-row import: 4.5 s of main-thread
    // inserts instead of 3 s). 32 MiB was no faster than 16 with 8 KiB pages, and memory
    // grows only as pages are used.
    db.exec('PRAGMA cache_size = -16384');
    // A bulk import lets the write-ahead log pass 64 MiB before it waits for the copy, and
    // commits on a little further meanwhile (store/sqlite/wal-checkpointer.ts); whenever
    // the log starts over, SQLite cuts a file larger than this back to it. Twice the bound,
    // so an import's log reuses its file's pages rather than being cut back and grown into
    // new ones each round, and the file still stays bounded.
    db.exec('PRAGMA journal_size_limit = 134217728');
    return new NodeSqliteDatabase(db);
  }

  get raw(): DatabaseSync {
    return this.#db;
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#cache.get(sql);
    if (statement === undefined) {
      statement = new CachedStatement(this.#db, sql);
      if (this.#cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#cache.keys().next().value;
        if (oldest !== undefined) this.#cache.delete(oldest);
      }
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #db: DatabaseSync;
  readonly #sql: string;
  readonly #statement: StatementSync;

  constructor(db: DatabaseSync, sql: string) {
    this.#db = db;
    this.#sql = sql;
    this.#statement = db.prepare(sql);
    this.reader = this.#statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...(parameters as SqlValue[]));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(...(parameters as SqlValue[]));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    // A fresh statement: an open iterator would be reset if the cached one ran meanwhile.
    return this.#db.prepare(this.#sql).iterate(...(parameters as SqlValue[])) as IterableIterator<unknown>;
  }
}
