import type { CampaignCounts } from '../domain/campaign.ts';
import type { FieldValue } from '../domain/contact.ts';
import type { MessageState } from '../domain/message.ts';
import { CampaignRepository } from './campaigns.ts';
import { type Db, type Dialect, readJson } from './database.ts';
import { RawSql } from './raw-sql.ts';

/** A queued row picked for sending, with what rendering it needs. */
export interface ClaimCandidate {
  id: string;
  campaignId: string;
  contactId: string | null;
  phone: string;
  seq: number;
  /** Attempts before this claim. */
  attempt: number;
  waId: string | null;
  text: string | null;
  variant: number | null;
  partsSent: number;
  /** When set, only this sender may send it: an earlier attempt's outcome is unknown. */
  resendVia: string | null;
  /** The sender that reached this phone last (read only for the `sticky` strategy). */
  preferredSender: string | null;
  contact: { name: string | null; status: string | null; fields: Record<string, FieldValue> } | null;
}

/** What the dispatcher decided for a candidate: its ids and text, fixed before any send. */
export interface ClaimPlan {
  waId: string;
  text: string;
  variant: number;
}

/** A claimed row; `attempt` is this claim's number (1 for the first). */
export type ClaimedMessage = Omit<ClaimCandidate, 'waId' | 'text' | 'variant'> &
  ClaimPlan & { senderId: string };

/** The result of one attempt, to be written after the driver answered. */
export type Settlement =
  | {
      kind: 'sent';
      id: string;
      campaignId: string;
      attempt: number;
      providerId: string;
      partsSent: number;
      at: number;
      /** Remembered as the sender that reaches this phone (the `sticky` strategy reads it). */
      reached?: { workspaceId: string; phone: string; senderId: string };
    }
  | { kind: 'progress'; id: string; campaignId: string; attempt: number; partsSent: number }
  | {
      kind: 'retry';
      id: string;
      campaignId: string;
      attempt: number;
      nextAt: number;
      reason: string;
      detail: string;
      /** Keep (or start) sending it only through this sender, until `deadline`. */
      pin?: { senderId: string; deadline: number };
    }
  /** The driver cannot say whether the network took it: wait for a receipt until `reconcileBy`. */
  | {
      kind: 'uncertain';
      id: string;
      campaignId: string;
      attempt: number;
      reconcileBy: number;
      detail: string;
    }
  | {
      kind: 'failed';
      id: string;
      campaignId: string;
      attempt: number;
      reason: string;
      detail: string;
      at: number;
    }
  | {
      kind: 'skipped';
      id: string;
      campaignId: string;
      attempt: number;
      reason: string;
      detail: string | null;
    }
  /** Claimed but never handed to the driver (a pause came first): back to the queue, attempt undone. */
  | { kind: 'release'; id: string; campaignId: string; attempt: number };

export interface Receipt {
  waId: string;
  status: 'delivered' | 'read' | 'failed';
  at: number;
  reason?: string;
  detail?: string;
}

export interface ReceiptChange {
  messageId: string;
  /** The id the receipt named. */
  waId: string;
  campaignId: string | null;
  phone: string;
  from: MessageState;
  to: MessageState;
  /** Why it failed, when `to` is `failed`. */
  reason: string | null;
}

type Delta = Partial<CampaignCounts>;

function bump(deltas: Map<string, Delta>, campaignId: string, from: MessageState, to: MessageState): void {
  const d = deltas.get(campaignId) ?? {};
  const f = from as keyof CampaignCounts;
  const t = to as keyof CampaignCounts;
  d[f] = (d[f] ?? 0) - 1;
  d[t] = (d[t] ?? 0) + 1;
  deltas.set(campaignId, d);
}

/**
 * The write side of the message queue. Every method runs in the caller's transaction and
 * keeps the campaign counters in step with the rows it moves. Each state change is guarded
 * by the state (and attempt) it expects, so a late or repeated write cannot move a row that
 * has moved on: the guard is what makes retries of these writes safe.
 *
 * Lock order. On PostgreSQL several of these run at once on one pool (receipts, settlements,
 * claims; at start-up, recovery), and two transactions that take the same row locks in
 * different orders can deadlock: a bulk UPDATE locks rows in whatever order its plan visits
 * them, a loop of single-row UPDATEs in the order of its input. So every method that may
 * wait for a lock takes message rows in ascending id order — a bulk change first locks its
 * rows with one `SELECT … ORDER BY id FOR UPDATE`, a loop runs over its rows sorted by id
 * — and campaign rows (the counters) only after its message rows, also by ascending id.
 * Claims lock with SKIP LOCKED and never wait for a message row. Two transactions that
 * take locks in one order cannot wait for each other in a cycle. (`cancelQueued` still
 * updates in plan order; of the others only the reconciliation deadline, on pinned rows,
 * touches the queued rows it cancels.)
 */
export class MessageQueue {
  readonly #sql: RawSql;
  readonly #campaigns: CampaignRepository;

  constructor(db: Db, dialect: Dialect) {
    this.#sql = new RawSql(db, dialect);
    this.#campaigns = new CampaignRepository(db, dialect);
  }

  /** Claims up to `limit` due rows of a campaign for one sender (see `claimFor`). */
  async claim(
    campaignId: string,
    senderId: string,
    limit: number,
    now: number,
    plan: (candidate: ClaimCandidate) => ClaimPlan,
  ): Promise<ClaimedMessage[]> {
    return this.claimFor(campaignId, limit, now, {
      senders: [senderId],
      sticky: false,
      choose: (c) => (c.resendVia === null || c.resendVia === senderId ? { senderId, ...plan(c) } : null),
    });
  }

  /**
   * Claims up to `limit` due rows of a campaign, each for the sender `choose` picks (or
   * none, which leaves it queued): `queued` → `sending` with the sender, the next attempt
   * number, the WhatsApp id and the rendered text, all committed before any driver is
   * called (write before act). Re-sends pinned to one of `senders` come first. On
   * PostgreSQL the candidates are locked with SKIP LOCKED so two workers never claim one
   * row; on SQLite the transaction holds the only write lock. The `state = 'queued'`
   * guard covers both.
   */
  async claimFor(
    campaignId: string,
    limit: number,
    now: number,
    options: {
      senders: readonly string[];
      /** Also read who reached each phone last (for the `sticky` strategy). */
      sticky: boolean;
      choose: (candidate: ClaimCandidate) => (ClaimPlan & { senderId: string }) | null;
    },
  ): Promise<ClaimedMessage[]> {
    const s = this.#sql;
    if (limit <= 0 || options.senders.length === 0) return [];
    const lock = s.dialect === 'postgres' ? ' FOR UPDATE OF m SKIP LOCKED' : '';
    const stickyJoin = options.sticky
      ? 'LEFT JOIN sticky_senders ss ON ss.workspace_id = m.workspace_id AND ss.phone = m.phone'
      : '';
    const select = (where: string, order: string, params: unknown[]) =>
      s.rows<Record<string, unknown>>(
        `SELECT m.id, m.contact_id, m.phone, m.seq, m.attempt, m.wa_id, m.text, m.variant, m.parts_sent, m.resend_via,
                c.id AS c_id, c.name AS c_name, c.status AS c_status, c.fields AS c_fields
                ${options.sticky ? ', ss.sender_id AS preferred' : ''}
           FROM messages m LEFT JOIN contacts c ON c.id = m.contact_id ${stickyJoin}
          WHERE m.campaign_id = ${s.p(1)} AND m.state = 'queued' AND m.next_at <= ${s.p(2)} AND ${where}
          ${order} LIMIT ${s.p(3)}${lock}`,
        params,
      );
    // Re-sends pinned to these senders go first: they are few, and they wait on a
    // deadline. Unordered, with `IS NOT NULL` spelled out, so the planner takes their
    // small partial index instead of walking the campaign's whole queue in order.
    const rows = await select(
      `m.resend_via IS NOT NULL AND m.resend_via IN (${s.list(4, options.senders.length)})`,
      '',
      [campaignId, now, limit, ...options.senders],
    );
    // Twice what can be taken: `sticky` may leave some rows for a busy sender.
    const extra = Math.min(1000, (limit - rows.length) * (options.sticky ? 2 : 1));
    if (extra > 0) {
      rows.push(
        ...(await select('m.resend_via IS NULL', 'ORDER BY m.next_at, m.seq', [campaignId, now, extra])),
      );
    }
    const claimed: (ClaimedMessage & { senderId: string })[] = [];
    for (const r of rows) {
      if (claimed.length >= limit) break;
      const candidate: ClaimCandidate = {
        id: r.id as string,
        campaignId,
        contactId: (r.contact_id as string | null) ?? null,
        phone: r.phone as string,
        seq: Number(r.seq),
        attempt: Number(r.attempt),
        waId: (r.wa_id as string | null) ?? null,
        text: (r.text as string | null) ?? null,
        variant: r.variant === null || r.variant === undefined ? null : Number(r.variant),
        partsSent: Number(r.parts_sent),
        resendVia: (r.resend_via as string | null) ?? null,
        preferredSender: (r.preferred as string | null | undefined) ?? null,
        contact:
          r.c_id === null || r.c_id === undefined
            ? null
            : {
                name: (r.c_name as string | null) ?? null,
                status: (r.c_status as string | null) ?? null,
                fields: readJson<Record<string, FieldValue>>(r.c_fields),
              },
      };
      const chosen = options.choose(candidate);
      if (chosen !== null) claimed.push({ ...candidate, ...chosen, attempt: candidate.attempt + 1 });
    }
    if (claimed.length === 0) return [];
    let changed = 0;
    if (s.dialect === 'postgres') {
      const params: unknown[] = [now];
      const tuples = claimed.map((m) => {
        params.push(m.id, m.senderId, m.waId, m.text, m.variant);
        const n = params.length;
        return `(${s.p(n - 4)}, ${s.p(n - 3)}, ${s.p(n - 2)}, ${s.p(n - 1)}, ${s.p(n)}::int)`;
      });
      changed = await s.run(
        `UPDATE messages AS m SET state = 'sending', sender_id = v.sender_id, attempt = m.attempt + 1, claimed_at = $1,
                updated_at = $1, wa_id = v.wa_id, text = v.text, variant = v.variant, reconcile_by = NULL
           FROM (VALUES ${tuples.join(', ')}) AS v(id, sender_id, wa_id, text, variant)
          WHERE m.id = v.id AND m.state = 'queued'`,
        params,
      );
    } else {
      for (const m of claimed) {
        changed += await s.run(
          `UPDATE messages SET state = 'sending', sender_id = ?1, attempt = attempt + 1, claimed_at = ?2, updated_at = ?2,
                  wa_id = ?3, text = ?4, variant = ?5, reconcile_by = NULL
            WHERE id = ?6 AND state = 'queued'`,
          [m.senderId, now, m.waId, m.text, m.variant, m.id],
        );
      }
    }
    if (changed !== claimed.length) {
      // Impossible under the locks above; failing loudly beats sending a row twice.
      throw new Error(`claimed ${changed} of ${claimed.length} selected rows of campaign ${campaignId}`);
    }
    await this.#campaigns.addCounts(campaignId, { queued: -claimed.length, sending: claimed.length });
    return claimed;
  }

  /** Writes the outcomes of attempts. Returns the settlements that applied (others had moved on). */
  async settle(settlements: readonly Settlement[], now: number): Promise<Settlement[]> {
    const s = this.#sql;
    const applied: Settlement[] = [];
    const deltas = new Map<string, Delta>();
    // By id (see the lock order above); a sort is stable, so one row's outcomes keep theirs.
    for (const o of [...settlements].sort((a, b) => compareIds(a.id, b.id))) {
      // Every statement ends with the same guard on parameters n-1 (id) and n (attempt).
      const guard = (n: number) => `id = ${s.p(n)} AND state = 'sending' AND attempt = ${s.p(n + 1)}`;
      let changed = 0;
      let to: MessageState = 'sending';
      switch (o.kind) {
        case 'sent':
          to = 'sent';
          changed = await s.run(
            `UPDATE messages SET state = 'sent', provider_id = ${s.p(1)}, parts_sent = ${s.p(2)}, sent_at = ${s.p(3)},
                    reason = NULL, detail = NULL, reconcile_by = NULL, resend_via = NULL, updated_at = ${s.p(4)}
              WHERE ${guard(5)}`,
            [o.providerId, o.partsSent, o.at, now, o.id, o.attempt],
          );
          break;
        case 'progress':
          await s.run(
            `UPDATE messages SET parts_sent = ${s.p(1)}, updated_at = ${s.p(2)} WHERE ${guard(3)}`,
            [o.partsSent, now, o.id, o.attempt],
          );
          continue;
        case 'retry':
          to = 'queued';
          changed = await s.run(
            `UPDATE messages SET state = 'queued', next_at = ${s.p(1)}, reason = ${s.p(2)}, detail = ${s.p(3)},
                    resend_via = COALESCE(CAST(${s.p(7)} AS TEXT), resend_via),
                    reconcile_by = CASE WHEN COALESCE(CAST(${s.p(7)} AS TEXT), resend_via) IS NULL THEN NULL
                                      ELSE CAST(${s.p(8)} AS BIGINT) END,
                    updated_at = ${s.p(4)} WHERE ${guard(5)}`,
            [
              o.nextAt,
              o.reason,
              o.detail,
              now,
              o.id,
              o.attempt,
              o.pin?.senderId ?? null,
              o.pin?.deadline ?? null,
            ],
          );
          break;
        case 'uncertain':
          // Stays `sending`: a receipt moves it on, or the deadline fails it as unknown.
          await s.run(
            `UPDATE messages SET reconcile_by = ${s.p(1)}, reason = 'uncertain', detail = ${s.p(2)}, updated_at = ${s.p(3)}
              WHERE ${guard(4)}`,
            [o.reconcileBy, o.detail, now, o.id, o.attempt],
          );
          applied.push(o);
          continue;
        case 'failed':
        case 'skipped':
          to = o.kind;
          changed = await s.run(
            `UPDATE messages SET state = ${s.p(1)}, reason = ${s.p(2)}, detail = ${s.p(3)}, reconcile_by = NULL,
                    resend_via = NULL, updated_at = ${s.p(4)} WHERE ${guard(5)}`,
            [o.kind, o.reason, o.detail, now, o.id, o.attempt],
          );
          break;
        case 'release':
          to = 'queued';
          changed = await s.run(
            `UPDATE messages SET state = 'queued', attempt = attempt - 1, reconcile_by = NULL, updated_at = ${s.p(1)}
              WHERE ${guard(2)}`,
            [now, o.id, o.attempt],
          );
          break;
      }
      if (changed > 0) {
        applied.push(o);
        bump(deltas, o.campaignId, 'sending', to);
      }
    }
    await this.#addCounts(deltas);
    const reached = applied.flatMap((o) => (o.kind === 'sent' && o.reached ? [o.reached] : []));
    if (reached.length > 0) await this.#remember(reached, now);
    return applied;
  }

  /**
   * Applies delivery receipts, keeping the furthest state reached: receipts arrive out of
   * order, repeated, and sometimes before the send's own answer was written (a row still
   * `sending` that is delivered was certainly sent).
   */
  async receipts(receipts: readonly Receipt[], now: number): Promise<ReceiptChange[]> {
    const s = this.#sql;
    if (receipts.length === 0) return [];
    // Every row a receipt may move, locked at once in id order (see the lock order above).
    // Holding them also means the states read here are the ones the updates below find.
    const found = await s.rows<{
      id: string;
      wa_id: string;
      campaign_id: string | null;
      phone: string;
      state: MessageState;
    }>(
      `SELECT id, wa_id, campaign_id, phone, state FROM messages
        WHERE ${s.inTextList('wa_id', 1)} AND state IN ('sending', 'sent', 'delivered')
        ${lockInIdOrder(s)}`,
      [s.textList([...new Set(receipts.map((r) => r.waId))])],
    );
    const rows = new Map<string, (typeof found)[number]>();
    for (const row of found) if (!rows.has(row.wa_id)) rows.set(row.wa_id, row);
    const changes: ReceiptChange[] = [];
    const deltas = new Map<string, Delta>();
    for (const r of receipts) {
      const row = rows.get(r.waId);
      if (row === undefined) continue;
      const from = row.state;
      const to = nextOnReceipt(from, r.status);
      if (to === null) continue;
      const at = r.at;
      let text: string;
      let params: unknown[];
      if (to === 'failed') {
        text = `UPDATE messages SET state = 'failed', reason = ${s.p(1)}, detail = ${s.p(2)}, reconcile_by = NULL, updated_at = ${s.p(3)}
                 WHERE id = ${s.p(4)} AND state = ${s.p(5)}`;
        params = [r.reason ?? 'delivery_failed', r.detail ?? null, now, row.id, from];
      } else {
        const delivered = `delivered_at = COALESCE(delivered_at, ${s.p(2)})`;
        const read = to === 'read' ? `, read_at = COALESCE(read_at, ${s.p(2)})` : '';
        text = `UPDATE messages SET state = ${s.p(1)}, sent_at = COALESCE(sent_at, ${s.p(2)}), ${delivered}${read},
                       reconcile_by = NULL, updated_at = ${s.p(3)}
                 WHERE id = ${s.p(4)} AND state = ${s.p(5)}`;
        params = [to, at, now, row.id, from];
      }
      if ((await s.run(text, params)) === 0) continue;
      row.state = to;
      changes.push({
        messageId: row.id,
        waId: r.waId,
        campaignId: row.campaign_id,
        phone: row.phone,
        from,
        to,
        reason: to === 'failed' ? (r.reason ?? 'delivery_failed') : null,
      });
      if (row.campaign_id !== null) bump(deltas, row.campaign_id, from, to);
    }
    await this.#addCounts(deltas);
    return changes;
  }

  /**
   * After a crash, rows left `sending` are either re-queued with their id (senders whose
   * driver makes a re-send safe) or given until `reconcileBy` for a receipt to show what
   * happened. Returns the campaigns touched.
   */
  async recoverSending(
    idempotentSenderIds: readonly string[],
    now: number,
    reconcileBy: number,
  ): Promise<string[]> {
    const s = this.#sql;
    // The rows first, locked in id order (see the lock order above); the updates then touch
    // only these, however many more become `sending` meanwhile.
    const locked = await s.rows<{ id: string; campaign_id: string | null }>(
      `SELECT id, campaign_id FROM messages WHERE state = 'sending' ${lockInIdOrder(s)}`,
      [],
    );
    if (locked.length === 0) return [];
    const ids = s.textList(locked.map((r) => r.id));
    if (idempotentSenderIds.length > 0) {
      // The attempt is undone: the crash, not the message, interrupted it. The re-send must
      // go through the same sender (a repeated id is dropped within one chat only), and it
      // fails as unknown if that sender does not take it by the deadline.
      await s.run(
        `UPDATE messages SET state = 'queued', attempt = attempt - 1, updated_at = ${s.p(1)},
                resend_via = sender_id, reconcile_by = ${s.p(2)}
          WHERE ${s.inTextList('id', 3)} AND state = 'sending' AND reconcile_by IS NULL
            AND sender_id IN (${s.list(4, idempotentSenderIds.length)})`,
        [now, reconcileBy, ids, ...idempotentSenderIds],
      );
    }
    await s.run(
      `UPDATE messages SET reconcile_by = ${s.p(1)}, updated_at = ${s.p(2)}
        WHERE ${s.inTextList('id', 3)} AND state = 'sending' AND reconcile_by IS NULL`,
      [reconcileBy, now, ids],
    );
    return this.#recount(locked);
  }

  /** Rows whose reconciliation time passed without a receipt end `failed: unknown_outcome`. */
  async expireReconciliation(now: number): Promise<string[]> {
    const s = this.#sql;
    const due = `((state = 'sending' AND reconcile_by <= ${s.p(1)})
                   OR (state = 'queued' AND resend_via IS NOT NULL AND reconcile_by <= ${s.p(1)}))`;
    // Locked in id order first, as in `recoverSending`: receipts for these very rows may be
    // stored at the same moment.
    const locked = await s.rows<{ id: string; campaign_id: string | null }>(
      `SELECT id, campaign_id FROM messages WHERE ${due} ${lockInIdOrder(s)}`,
      [now],
    );
    if (locked.length === 0) return [];
    await s.run(
      `UPDATE messages SET state = 'failed', reason = 'unknown_outcome',
              detail = 'an attempt may have reached WhatsApp, no receipt said so, and a re-send could duplicate it',
              reconcile_by = NULL, resend_via = NULL, updated_at = ${s.p(2)}
        WHERE ${s.inTextList('id', 3)} AND ${due}`,
      [now, now, s.textList(locked.map((r) => r.id))],
    );
    return this.#recount(locked);
  }

  /** Recounts the campaigns of these rows, in id order; returns their ids. */
  async #recount(rows: readonly { campaign_id: string | null }[]): Promise<string[]> {
    const ids = [...new Set(rows.map((r) => r.campaign_id))]
      .filter((id): id is string => id !== null)
      .sort(compareIds);
    for (const id of ids) await this.#campaigns.recount(id);
    return ids;
  }

  /** Moves the counters of several campaigns, in id order (see the lock order above). */
  async #addCounts(deltas: ReadonlyMap<string, Delta>): Promise<void> {
    for (const id of [...deltas.keys()].sort(compareIds)) {
      await this.#campaigns.addCounts(id, deltas.get(id) ?? {});
    }
  }

  async #remember(
    reached: { workspaceId: string; phone: string; senderId: string }[],
    now: number,
  ): Promise<void> {
    const s = this.#sql;
    const latest = new Map(reached.map((r) => [`${r.workspaceId}|${r.phone}`, r]));
    const params: unknown[] = [now];
    const tuples = [...latest.values()].map((r) => {
      params.push(r.workspaceId, r.phone, r.senderId);
      const n = params.length;
      return `(${s.p(n - 2)}, ${s.p(n - 1)}, ${s.p(n)}, ${s.p(1)})`;
    });
    await s.run(
      `INSERT INTO sticky_senders (workspace_id, phone, sender_id, at) VALUES ${tuples.join(', ')}
       ON CONFLICT (workspace_id, phone) DO UPDATE SET sender_id = excluded.sender_id, at = excluded.at`,
      params,
    );
  }

  /** Records a direct send as `sending` (attempt 1) before the driver is called. */
  async insertSending(m: DirectMessage): Promise<void> {
    const s = this.#sql;
    await s.run(
      `INSERT INTO messages (id, workspace_id, campaign_id, contact_id, phone, seq, state, sender_id, wa_id, attempt,
              parts_sent, next_at, text, variant, claimed_at, created_at, updated_at)
       VALUES (${s.p(1)}, ${s.p(2)}, NULL, ${s.p(3)}, ${s.p(4)}, 0, 'sending', ${s.p(5)}, ${s.p(6)}, 1,
               0, ${s.p(7)}, ${s.p(8)}, ${s.p(9)}, ${s.p(7)}, ${s.p(7)}, ${s.p(7)})`,
      [m.id, m.workspaceId, m.contactId, m.phone, m.senderId, m.waId, m.now, m.text, m.variant],
    );
  }

  /** Settles a direct send (no campaign, so no counters). */
  async settleDirect(
    id: string,
    outcome: { state: 'sent' | 'failed'; reason: string | null; detail: string | null; partsSent: number },
    now: number,
  ): Promise<void> {
    const s = this.#sql;
    await s.run(
      `UPDATE messages SET state = ${s.p(1)}, reason = ${s.p(2)}, detail = ${s.p(3)}, parts_sent = ${s.p(4)},
              sent_at = CASE WHEN ${s.p(1)} = 'sent' THEN ${s.p(5)} ELSE sent_at END, updated_at = ${s.p(5)}
        WHERE id = ${s.p(6)} AND state = 'sending'`,
      [outcome.state, outcome.reason, outcome.detail, outcome.partsSent, now, id],
    );
  }

  /**
   * Cancels every still-queued row of a stopped campaign (reason `campaign_stopped`),
   * re-sends waiting on a pinned sender included, and returns how many. Rows in flight
   * are left to settle as their send turns out.
   */
  async cancelQueued(campaignId: string, now: number): Promise<number> {
    const s = this.#sql;
    const n = await s.run(
      `UPDATE messages SET state = 'cancelled', reason = 'campaign_stopped', reconcile_by = NULL,
              resend_via = NULL, updated_at = ${s.p(1)}
        WHERE campaign_id = ${s.p(2)} AND state = 'queued'`,
      [now, campaignId],
    );
    await this.#campaigns.recount(campaignId);
    return n;
  }
}

/**
 * Ends a SELECT of message rows: on PostgreSQL it locks them in ascending id order (the
 * sort comes before the locks), compared bytewise (`COLLATE "C"`) as `compareIds` does,
 * whatever the database's collation. Nothing on SQLite, whose writing transaction is the
 * only one.
 */
function lockInIdOrder(s: RawSql): string {
  return s.dialect === 'postgres' ? 'ORDER BY id COLLATE "C" FOR UPDATE' : '';
}

/** Ids in the order rows are locked (see `lockInIdOrder`): by code unit, ids being ASCII. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const rank: Partial<Record<MessageState, number>> = { sending: 0, sent: 1, delivered: 2, read: 3 };

/** The state a receipt moves a row to, or null when it would not move forward. */
function nextOnReceipt(from: MessageState, status: Receipt['status']): MessageState | null {
  const current = rank[from];
  if (current === undefined) return null; // queued, failed, skipped, cancelled: nothing to confirm
  if (status === 'failed') return from === 'sending' || from === 'sent' ? 'failed' : null;
  const target = status === 'delivered' ? 2 : 3;
  return target > current ? status : null;
}

/** A message sent outside a campaign's queue (a test send), written before it is sent. */
export interface DirectMessage {
  id: string;
  workspaceId: string;
  contactId: string | null;
  phone: string;
  senderId: string;
  waId: string;
  text: string;
  variant: number;
  now: number;
}
