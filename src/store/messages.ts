import type { Message, MessageState } from '../domain/message.ts';
import type { Page } from './contacts.ts';
import type { Db, Dialect, MessageTable } from './database.ts';
import { RawSql } from './raw-sql.ts';

function toMessage(row: MessageTable): Message {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    phone: row.phone,
    seq: Number(row.seq),
    state: row.state as MessageState,
    reason: row.reason,
    detail: row.detail,
    senderId: row.sender_id,
    waId: row.wa_id,
    providerId: row.provider_id,
    attempt: Number(row.attempt),
    partsSent: Number(row.parts_sent),
    nextAt: Number(row.next_at),
    text: row.text,
    variant: row.variant === null ? null : Number(row.variant),
    claimedAt: row.claimed_at,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
    readAt: row.read_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface MessageFilter {
  campaignId?: string;
  state?: MessageState[];
  senderId?: string;
  phone?: string;
}

/** Reading messages: lists, one message, and what the scheduler needs to plan. */
export class MessageRepository {
  readonly #db: Db;
  readonly #sql: RawSql;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#sql = new RawSql(db, dialect);
  }

  async get(workspaceId: string, id: string): Promise<Message | null> {
    const row = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  /** A campaign's messages in send order (`seq`); `after` is the last seq of the previous page. */
  async list(
    workspaceId: string,
    filter: MessageFilter,
    page: { limit: number; afterSeq?: number },
  ): Promise<Page<Message>> {
    let query = this.#db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
    if (filter.state !== undefined && filter.state.length > 0)
      query = query.where('state', 'in', filter.state);
    if (filter.senderId !== undefined) query = query.where('sender_id', '=', filter.senderId);
    if (filter.phone !== undefined) query = query.where('phone', '=', filter.phone);
    if (page.afterSeq !== undefined) query = query.where('seq', '>', page.afterSeq);
    const rows = await query
      .orderBy('seq')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map(toMessage);
    return { items, next: rows.length > page.limit ? String(items.at(-1)?.seq) : null };
  }

  /** Every message of a campaign in order, a page at a time (for exports). */
  async *stream(campaignId: string, pageSize = 1000): AsyncGenerator<Message> {
    let after = -1;
    for (;;) {
      const rows = await this.#db
        .selectFrom('messages')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const row of rows) yield toMessage(row);
      if (rows.length < pageSize) return;
      after = Number(rows.at(-1)?.seq);
    }
  }

  /** When this sender claimed messages since `since`, ascending: the input to its quotas. */
  async claimTimes(senderId: string, since: number): Promise<number[]> {
    const rows = await this.#sql.rows<{ claimed_at: number | string }>(
      `SELECT claimed_at FROM messages WHERE sender_id = ${this.#sql.p(1)} AND claimed_at > ${this.#sql.p(2)} ORDER BY claimed_at`,
      [senderId, since],
    );
    return rows.map((r) => Number(r.claimed_at));
  }

  /**
   * A sender's sent and failed messages among those it claimed after `since`, by hour
   * (bucket start, epoch ms), for its stats.
   */
  async hourlyOutcomes(
    senderId: string,
    since: number,
  ): Promise<Map<number, { sent: number; failed: number }>> {
    const s = this.#sql;
    const rows = await s.rows<{
      h: number | string;
      sent: number | string | null;
      failed: number | string | null;
    }>(
      `SELECT COALESCE(sent_at, updated_at) / 3600000 AS h,
              SUM(CASE WHEN state IN ('sent', 'delivered', 'read') THEN 1 ELSE 0 END) AS sent,
              SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed
         FROM messages WHERE sender_id = ${s.p(1)} AND claimed_at > ${s.p(2)}
        GROUP BY COALESCE(sent_at, updated_at) / 3600000`,
      [senderId, since],
    );
    return new Map(
      rows.map((r) => [
        Math.floor(Number(r.h)) * 3_600_000,
        { sent: Number(r.sent ?? 0), failed: Number(r.failed ?? 0) },
      ]),
    );
  }

  /** A sender's sent and failed messages among those it claimed after `since`. */
  async outcomeCounts(senderId: string, since: number): Promise<{ sent: number; failed: number }> {
    const s = this.#sql;
    const [row] = await s.rows<{ sent: number | string | null; failed: number | string | null }>(
      `SELECT SUM(CASE WHEN state IN ('sent', 'delivered', 'read') THEN 1 ELSE 0 END) AS sent,
              SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed
         FROM messages WHERE sender_id = ${s.p(1)} AND claimed_at > ${s.p(2)}`,
      [senderId, since],
    );
    return { sent: Number(row?.sent ?? 0), failed: Number(row?.failed ?? 0) };
  }

  /** The earliest instant a queued message of the campaign becomes due, or null if none is queued. */
  async nextDueAt(campaignId: string): Promise<number | null> {
    const rows = await this.#sql.rows<{ next_at: number | string | null }>(
      `SELECT MIN(next_at) AS next_at FROM messages WHERE campaign_id = ${this.#sql.p(1)} AND state = 'queued'`,
      [campaignId],
    );
    const value = rows[0]?.next_at;
    return value === null || value === undefined ? null : Number(value);
  }

  /** The earliest reconciliation deadline among rows waiting for a receipt, or null. */
  async nextReconcileAt(): Promise<number | null> {
    const rows = await this.#sql.rows<{ at: number | string | null }>(
      `SELECT MIN(reconcile_by) AS at FROM messages
        WHERE reconcile_by IS NOT NULL AND (state = 'sending' OR (state = 'queued' AND resend_via IS NOT NULL))`,
      [],
    );
    const value = rows[0]?.at;
    return value === null || value === undefined ? null : Number(value);
  }
}
