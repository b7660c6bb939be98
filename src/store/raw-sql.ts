import { CompiledQuery } from 'kysely';
import type { Db, Dialect } from './database.ts';

/**
 * Hand-written SQL for the hot paths (claiming, settling, receipts): building these through
 * the query builder costs more than running them, and the same few texts repeat thousands
 * of times a second, which the SQLite adapter's statement cache turns into re-use.
 */
export class RawSql {
  readonly dialect: Dialect;
  readonly #db: Db;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.dialect = dialect;
  }

  /**
   * The n-th (1-based) bound parameter: `?n` on SQLite, `$n` on PostgreSQL. Numbered on
   * both, so one parameter can appear twice in a statement.
   */
  p(index: number): string {
    return this.dialect === 'postgres' ? `$${index}` : `?${index}`;
  }

  /** `count` parameters starting at `from`, comma-separated. */
  list(from: number, count: number): string {
    return Array.from({ length: count }, (_, i) => this.p(from + i)).join(',');
  }

  /**
   * `column` equals one of the strings bound as parameter `index` with `textList`: a whole
   * list in one parameter, so the statement's text (and SQLite's cached statement) is the
   * same for any number of values, and no count of values meets a parameter limit.
   */
  inTextList(column: string, index: number): string {
    return this.dialect === 'postgres'
      ? `${column} = ANY(${this.p(index)}::text[])`
      : `${column} IN (SELECT value FROM json_each(${this.p(index)}))`;
  }

  /** The parameter for `inTextList`: an array on PostgreSQL, a JSON array on SQLite. */
  textList(values: readonly string[]): unknown {
    return this.dialect === 'postgres' ? values : JSON.stringify(values);
  }

  async rows<T>(text: string, parameters: readonly unknown[]): Promise<T[]> {
    const result = await this.#db.executeQuery(CompiledQuery.raw(text, [...parameters]));
    return result.rows as T[];
  }

  /** Runs a statement; returns the number of rows it changed. */
  async run(text: string, parameters: readonly unknown[]): Promise<number> {
    const result = await this.#db.executeQuery(CompiledQuery.raw(text, [...parameters]));
    return Number(result.numAffectedRows ?? 0n);
  }
}
