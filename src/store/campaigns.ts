import {
  type Audience,
  type Campaign,
  type CampaignCounts,
  type CampaignStatus,
  emptyCounts,
  type PauseReason,
  type SenderStrategy,
} from '../domain/campaign.ts';
import type { PacingInput } from '../domain/pacing/pacing-policy.ts';
import type { SendWindow } from '../domain/pacing/send-window.ts';
import type { Page } from './contacts.ts';
import { type CampaignTable, type Db, type Dialect, readJson, writeJson } from './database.ts';
import { RawSql } from './raw-sql.ts';

function toCampaign(row: CampaignTable, senderIds: string[]): Campaign {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    templateId: row.template_id,
    template: row.template === null ? null : readJson(row.template),
    audience: readJson<Audience>(row.audience),
    senderIds,
    senderStrategy: row.sender_strategy as SenderStrategy,
    pacing: readJson<PacingInput>(row.pacing),
    window: row.send_window === null ? null : readJson<SendWindow>(row.send_window),
    startAt: row.start_at,
    status: row.status as CampaignStatus,
    pauseReason: row.pause_reason as PauseReason | null,
    error: row.error,
    counts: {
      total: Number(row.total),
      queued: Number(row.queued),
      sending: Number(row.sending),
      sent: Number(row.sent),
      delivered: Number(row.delivered),
      read: Number(row.read),
      failed: Number(row.failed),
      skipped: Number(row.skipped),
      cancelled: Number(row.cancelled),
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expandedAt: row.expanded_at,
  };
}

/** Changes to a campaign's columns that travel with a state change. */
export interface CampaignChange {
  status?: CampaignStatus;
  pauseReason?: PauseReason | null;
  error?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  template?: Campaign['template'];
  startAt?: number | null;
}

export interface CampaignDraft {
  name?: string;
  senderStrategy?: SenderStrategy;
  templateId?: string;
  audience?: Audience;
  senderIds?: string[];
  pacing?: PacingInput;
  window?: SendWindow | null;
  startAt?: number | null;
}

const countColumns = [
  'total',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
] as const;

export class CampaignRepository {
  readonly #db: Db;
  readonly #sql: RawSql;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#sql = new RawSql(db, dialect);
  }

  async create(campaign: Campaign): Promise<Campaign> {
    await this.#db
      .insertInto('campaigns')
      .values({
        id: campaign.id,
        workspace_id: campaign.workspaceId,
        name: campaign.name,
        template_id: campaign.templateId,
        template: campaign.template === null ? null : writeJson(campaign.template),
        audience: writeJson(campaign.audience),
        pacing: writeJson(campaign.pacing),
        send_window: campaign.window === null ? null : writeJson(campaign.window),
        start_at: campaign.startAt,
        status: campaign.status,
        pause_reason: campaign.pauseReason,
        error: campaign.error,
        ...campaign.counts,
        created_at: campaign.createdAt,
        updated_at: campaign.updatedAt,
        started_at: campaign.startedAt,
        finished_at: campaign.finishedAt,
        expand_cursor: null,
        expanded_at: campaign.expandedAt,
        sender_strategy: campaign.senderStrategy,
      })
      .execute();
    await this.#writeSenders(campaign.id, campaign.senderIds);
    return campaign;
  }

  async get(workspaceId: string, id: string): Promise<Campaign | null> {
    const row = await this.#db
      .selectFrom('campaigns')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toCampaign(row, await this.senderIds(row.id)) : null;
  }

  /** A campaign by id alone, for the engine. */
  async find(id: string): Promise<Campaign | null> {
    const row = await this.#db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCampaign(row, await this.senderIds(row.id)) : null;
  }

  async list(
    workspaceId: string,
    filter: { status?: CampaignStatus[] },
    page: { limit: number; before?: string },
  ): Promise<Page<Campaign>> {
    let query = this.#db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.status !== undefined && filter.status.length > 0)
      query = query.where('status', 'in', filter.status);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = await this.#withSenders(rows.slice(0, page.limit));
    return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Campaigns in these states across all workspaces, oldest first (the engine's view). */
  async withStatus(statuses: CampaignStatus[]): Promise<Campaign[]> {
    const rows = await this.#db
      .selectFrom('campaigns')
      .selectAll()
      .where('status', 'in', statuses)
      .orderBy('id')
      .execute();
    return this.#withSenders(rows);
  }

  /** Edits a campaign's definition (allowed while it is a draft; the caller checks). */
  async update(workspaceId: string, id: string, draft: CampaignDraft, now: number): Promise<void> {
    const values: Partial<CampaignTable> = { updated_at: now };
    if (draft.name !== undefined) values.name = draft.name;
    if (draft.senderStrategy !== undefined) values.sender_strategy = draft.senderStrategy;
    if (draft.templateId !== undefined) values.template_id = draft.templateId;
    if (draft.audience !== undefined) values.audience = writeJson(draft.audience);
    if (draft.pacing !== undefined) values.pacing = writeJson(draft.pacing);
    if (draft.window !== undefined)
      values.send_window = draft.window === null ? null : writeJson(draft.window);
    if (draft.startAt !== undefined) values.start_at = draft.startAt;
    await this.#db
      .updateTable('campaigns')
      .set(values)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    if (draft.senderIds !== undefined) {
      await this.#db.deleteFrom('campaign_senders').where('campaign_id', '=', id).execute();
      await this.#writeSenders(id, draft.senderIds);
    }
  }

  /**
   * Applies `change` only if the campaign is in one of `from`: a compare-and-set, so two
   * requests racing (pause vs. completion, two starts) cannot both win.
   */
  async transition(
    id: string,
    from: CampaignStatus[],
    change: CampaignChange,
    now: number,
  ): Promise<boolean> {
    const values: Partial<CampaignTable> = { updated_at: now };
    if (change.status !== undefined) values.status = change.status;
    if (change.pauseReason !== undefined) values.pause_reason = change.pauseReason;
    if (change.error !== undefined) values.error = change.error;
    if (change.startedAt !== undefined) values.started_at = change.startedAt;
    if (change.finishedAt !== undefined) values.finished_at = change.finishedAt;
    if (change.startAt !== undefined) values.start_at = change.startAt;
    if (change.template !== undefined)
      values.template = change.template === null ? null : writeJson(change.template);
    const result = await this.#db
      .updateTable('campaigns')
      .set(values)
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('campaigns')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async senderIds(campaignId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('campaign_senders')
      .select('sender_id')
      .where('campaign_id', '=', campaignId)
      .orderBy('position')
      .execute();
    return rows.map((r) => r.sender_id);
  }

  /** Campaigns from their rows, with every row's senders read in one query per 1,000 rows. */
  async #withSenders(rows: readonly CampaignTable[]): Promise<Campaign[]> {
    const senders = new Map<string, string[]>();
    for (let from = 0; from < rows.length; from += 1000) {
      const ids = rows.slice(from, from + 1000).map((row) => row.id);
      const found = await this.#db
        .selectFrom('campaign_senders')
        .select(['campaign_id', 'sender_id'])
        .where('campaign_id', 'in', ids)
        .orderBy('campaign_id')
        .orderBy('position')
        .execute();
      for (const r of found) {
        const list = senders.get(r.campaign_id);
        if (list === undefined) senders.set(r.campaign_id, [r.sender_id]);
        else list.push(r.sender_id);
      }
    }
    return rows.map((row) => toCampaign(row, senders.get(row.id) ?? []));
  }

  /** Ids of campaigns in these states that use the sender. */
  async usingSender(senderId: string, statuses: CampaignStatus[]): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('campaign_senders')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_senders.campaign_id')
      .select('campaigns.id')
      .where('campaign_senders.sender_id', '=', senderId)
      .where('campaigns.status', 'in', statuses)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Adds to the state counters; called in the transaction that moved the rows. */
  async addCounts(campaignId: string, delta: Partial<CampaignCounts>): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const column of countColumns) {
      const d = delta[column];
      if (d === undefined || d === 0) continue;
      params.push(d);
      sets.push(`${column} = ${column} + ${this.#sql.p(params.length)}`);
    }
    if (sets.length === 0) return;
    params.push(campaignId);
    await this.#sql.run(
      `UPDATE campaigns SET ${sets.join(', ')} WHERE id = ${this.#sql.p(params.length)}`,
      params,
    );
  }

  /** Sets every counter from the rows themselves: after bulk changes (expansion, stop). */
  async recount(campaignId: string): Promise<CampaignCounts> {
    // Every row of a campaign has a seq of 1 or more (see AudienceExpansion.expandChunk).
    const counts = await this.countsFromSeq(campaignId, 0);
    await this.#db.updateTable('campaigns').set(counts).where('id', '=', campaignId).execute();
    return counts;
  }

  /** How many rows of a running campaign are not final yet, without loading it. */
  async remaining(
    campaignId: string,
  ): Promise<{ status: string; expanded: boolean; remaining: number } | null> {
    const [row] = await this.#sql.rows<{ status: string; expanded_at: number | null; left: number | string }>(
      `SELECT status, expanded_at, queued + sending AS left FROM campaigns WHERE id = ${this.#sql.p(1)}`,
      [campaignId],
    );
    return row === undefined
      ? null
      : { status: row.status, expanded: row.expanded_at !== null, remaining: Number(row.left) };
  }

  /** Counts by state of the rows from `fromSeq` on: what one expansion chunk added. */
  async countsFromSeq(campaignId: string, fromSeq: number): Promise<CampaignCounts> {
    const rows = await this.#sql.rows<{ state: string; n: number | string }>(
      `SELECT state, COUNT(*) AS n FROM messages WHERE campaign_id = ${this.#sql.p(1)} AND seq >= ${this.#sql.p(2)} GROUP BY state`,
      [campaignId, fromSeq],
    );
    const counts = emptyCounts();
    for (const r of rows) {
      const n = Number(r.n);
      counts.total += n;
      if (r.state in counts) counts[r.state as keyof CampaignCounts] = n;
    }
    return counts;
  }

  /**
   * Where a campaign's expansion stands, with what the next chunk needs of the campaign:
   * its status and how many rows it has (the next row's seq follows them).
   */
  async expandCursor(campaignId: string): Promise<{
    cursor: string | null;
    expandedAt: number | null;
    status: CampaignStatus;
    total: number;
  }> {
    const row = await this.#db
      .selectFrom('campaigns')
      .select(['expand_cursor', 'expanded_at', 'status', 'total'])
      .where('id', '=', campaignId)
      .executeTakeFirstOrThrow();
    return {
      cursor: row.expand_cursor,
      expandedAt: row.expanded_at,
      status: row.status as CampaignStatus,
      total: Number(row.total),
    };
  }

  async setExpansion(campaignId: string, cursor: string | null, expandedAt: number | null): Promise<void> {
    await this.#db
      .updateTable('campaigns')
      .set({ expand_cursor: cursor, expanded_at: expandedAt })
      .where('id', '=', campaignId)
      .execute();
  }

  async #writeSenders(campaignId: string, senderIds: readonly string[]): Promise<void> {
    if (senderIds.length === 0) return;
    await this.#db
      .insertInto('campaign_senders')
      .values(senderIds.map((sender_id, position) => ({ campaign_id: campaignId, sender_id, position })))
      .execute();
  }
}
