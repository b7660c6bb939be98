import type { Db, Dialect } from './database.ts';
import { RawSql } from './raw-sql.ts';

/**
 * Which phones have WhatsApp, as a driver last said. Checking every recipient on every
 * campaign is slow and looks like scraping to WhatsApp; a week-old answer is good enough
 * (Evolution caches for 7 days too). Hand-written SQL: both run before every batch of sends.
 */
export class NumberCheckRepository {
  readonly #sql: RawSql;

  constructor(db: Db, dialect: Dialect) {
    this.#sql = new RawSql(db, dialect);
  }

  /** Answers checked after `since` for these phones; phones without one are absent. */
  async known(workspaceId: string, phones: readonly string[], since: number): Promise<Map<string, boolean>> {
    if (phones.length === 0) return new Map();
    const s = this.#sql;
    const rows = await s.rows<{ phone: string; on_whatsapp: number | string }>(
      `SELECT phone, on_whatsapp FROM number_checks
        WHERE workspace_id = ${s.p(1)} AND checked_at > ${s.p(2)} AND phone IN (${s.list(3, phones.length)})`,
      [workspaceId, since, ...phones],
    );
    return new Map(rows.map((r) => [r.phone, Number(r.on_whatsapp) === 1]));
  }

  async record(workspaceId: string, results: ReadonlyMap<string, boolean>, at: number): Promise<void> {
    if (results.size === 0) return;
    const s = this.#sql;
    const params: unknown[] = [workspaceId, at];
    const tuples = [...results].map(([phone, on]) => {
      params.push(phone, on ? 1 : 0);
      return `(${s.p(1)}, ${s.p(params.length - 1)}, ${s.p(params.length)}, ${s.p(2)})`;
    });
    await s.run(
      `INSERT INTO number_checks (workspace_id, phone, on_whatsapp, checked_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (workspace_id, phone) DO UPDATE SET on_whatsapp = excluded.on_whatsapp, checked_at = excluded.checked_at`,
      params,
    );
  }
}
