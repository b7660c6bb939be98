import { KurirError } from '../domain/errors.ts';
import type { Suppression, SuppressionReason } from '../domain/suppression.ts';
import type { Page } from './contacts.ts';
import type { Db, Dialect, SuppressionTable } from './database.ts';
import { RawSql } from './raw-sql.ts';
import { isUniqueViolation } from './sql-errors.ts';

function toSuppression(row: SuppressionTable): Suppression {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    phone: row.phone,
    reason: row.reason as SuppressionReason,
    note: row.note,
    createdAt: row.created_at,
  };
}

export class SuppressionRepository {
  readonly #db: Db;
  readonly #sql: RawSql;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#sql = new RawSql(db, dialect);
  }

  /** Adds a phone; one already suppressed is `suppression.duplicate`. */
  async add(suppression: Suppression): Promise<Suppression> {
    try {
      await this.#db
        .insertInto('suppressions')
        .values({
          id: suppression.id,
          workspace_id: suppression.workspaceId,
          phone: suppression.phone,
          reason: suppression.reason,
          note: suppression.note,
          created_at: suppression.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new KurirError('suppression.duplicate', `${suppression.phone} is already suppressed`, {
          errors: [{ pointer: '/phone', detail: 'is already on the suppression list' }],
          cause: error,
        });
      }
      throw error;
    }
    return suppression;
  }

  /** Adds a phone unless it is there already; opt-outs arrive more than once. */
  async ensure(suppression: Suppression): Promise<Suppression> {
    await this.#db
      .insertInto('suppressions')
      .values({
        id: suppression.id,
        workspace_id: suppression.workspaceId,
        phone: suppression.phone,
        reason: suppression.reason,
        note: suppression.note,
        created_at: suppression.createdAt,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
      .execute();
    return (await this.getByPhone(suppression.workspaceId, suppression.phone)) ?? suppression;
  }

  async get(workspaceId: string, id: string): Promise<Suppression | null> {
    const row = await this.#db
      .selectFrom('suppressions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSuppression(row) : null;
  }

  async getByPhone(workspaceId: string, phone: string): Promise<Suppression | null> {
    const row = await this.#db
      .selectFrom('suppressions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row ? toSuppression(row) : null;
  }

  /** Which of these phones are suppressed. */
  async suppressedAmong(workspaceId: string, phones: readonly string[]): Promise<Set<string>> {
    if (phones.length === 0) return new Set();
    // Hand-written: it runs before every batch of sends.
    const rows = await this.#sql.rows<{ phone: string }>(
      `SELECT phone FROM suppressions WHERE workspace_id = ${this.#sql.p(1)} AND phone IN (${this.#sql.list(2, phones.length)})`,
      [workspaceId, ...phones],
    );
    return new Set(rows.map((r) => r.phone));
  }

  async remove(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('suppressions')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(
    workspaceId: string,
    filter: { reason?: SuppressionReason; q?: string },
    page: { limit: number; before?: string },
  ): Promise<Page<Suppression>> {
    let query = this.#db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.reason !== undefined) query = query.where('reason', '=', filter.reason);
    if (filter.q !== undefined && filter.q !== '')
      query = query.where('phone', 'like', `%${filter.q.replace(/[^0-9+]/g, '')}%`);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map(toSuppression);
    return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async *stream(workspaceId: string, pageSize = 1000): AsyncGenerator<Suppression> {
    let after: string | null = null;
    for (;;) {
      let query = this.#db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId);
      if (after !== null) query = query.where('id', '>', after);
      const rows = await query.orderBy('id').limit(pageSize).execute();
      for (const row of rows) yield toSuppression(row);
      if (rows.length < pageSize) return;
      after = rows.at(-1)?.id ?? null;
    }
  }
}
