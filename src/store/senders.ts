import { sql } from 'kysely';
import type { Sender, SenderConnection, SenderDriverKind } from '../domain/sender.ts';
import { type Db, readJson, type SenderTable, writeJson } from './database.ts';

function toSender(row: SenderTable): Sender {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    driver: row.driver as SenderDriverKind,
    config: readJson<Record<string, unknown>>(row.config),
    phone: row.phone,
    connection: row.connection as SenderConnection,
    connectionReason: row.connection_reason,
    quotas: { perMinute: row.quota_per_minute, perHour: row.quota_per_hour, perDay: row.quota_per_day },
    pausedReason: row.paused_reason,
    health: Number(row.health),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface SenderPatch {
  name?: string;
  config?: Record<string, unknown>;
  quotas?: Sender['quotas'];
}

export class SenderRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(sender: Sender, secret: string | null = null): Promise<Sender> {
    await this.#db
      .insertInto('senders')
      .values({
        id: sender.id,
        workspace_id: sender.workspaceId,
        name: sender.name,
        driver: sender.driver,
        config: writeJson(sender.config),
        secret,
        phone: sender.phone,
        connection: sender.connection,
        connection_reason: sender.connectionReason,
        quota_per_minute: sender.quotas.perMinute ?? null,
        quota_per_hour: sender.quotas.perHour ?? null,
        quota_per_day: sender.quotas.perDay ?? null,
        paused_reason: sender.pausedReason,
        health: sender.health,
        consecutive_failures: 0,
        created_at: sender.createdAt,
        updated_at: sender.updatedAt,
      })
      .execute();
    return sender;
  }

  async get(workspaceId: string, id: string): Promise<Sender | null> {
    const row = await this.#db
      .selectFrom('senders')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSender(row) : null;
  }

  /** A sender by id alone, for the engine, which acts on behalf of every workspace. */
  async find(id: string): Promise<Sender | null> {
    const row = await this.#db.selectFrom('senders').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSender(row) : null;
  }

  async list(workspaceId: string): Promise<Sender[]> {
    const rows = await this.#db
      .selectFrom('senders')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    return rows.map(toSender);
  }

  /** Every sender of every workspace, for restoring sessions at start-up. */
  async all(): Promise<Sender[]> {
    const rows = await this.#db.selectFrom('senders').selectAll().orderBy('id').execute();
    return rows.map(toSender);
  }

  /**
   * Which of these numbers a sender of any workspace has, as the number its driver reported
   * or as the `phone` of its config (a simulator sender that never connected has only that).
   */
  async phonesInUse(phones: readonly string[]): Promise<Set<string>> {
    if (phones.length === 0) return new Set();
    // `->>` with a key reads a text value from PostgreSQL's jsonb and SQLite's JSON text alike.
    const configPhone = sql<string | null>`config ->> 'phone'`;
    const rows = await this.#db
      .selectFrom('senders')
      .select(['phone', configPhone.as('config_phone')])
      .where((eb) => eb.or([eb('phone', 'in', phones), eb(configPhone, 'in', phones)]))
      .execute();
    const wanted = new Set(phones);
    return new Set(
      rows.flatMap((r) => [r.phone, r.config_phone]).filter((p): p is string => p !== null && wanted.has(p)),
    );
  }

  async update(workspaceId: string, id: string, patch: SenderPatch, now: number): Promise<Sender | null> {
    const values: Partial<SenderTable> = { updated_at: now };
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.config !== undefined) values.config = writeJson(patch.config);
    if (patch.quotas !== undefined) {
      values.quota_per_minute = patch.quotas.perMinute ?? null;
      values.quota_per_hour = patch.quotas.perHour ?? null;
      values.quota_per_day = patch.quotas.perDay ?? null;
    }
    await this.#db
      .updateTable('senders')
      .set(values)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    return this.get(workspaceId, id);
  }

  /** Records what the driver reports; the phone is kept once known. */
  async setConnection(
    id: string,
    connection: SenderConnection,
    reason: string | null,
    phone: string | null,
    now: number,
  ): Promise<void> {
    const values: Partial<SenderTable> = { connection, connection_reason: reason, updated_at: now };
    if (phone !== null) values.phone = phone;
    await this.#db.updateTable('senders').set(values).where('id', '=', id).execute();
  }

  /** Pauses (with a reason) or releases (null) a sender. */
  async setPaused(id: string, reason: string | null, now: number): Promise<void> {
    await this.#db
      .updateTable('senders')
      .set({ paused_reason: reason, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('senders')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The encrypted secret (session credentials, tokens); never part of `Sender`. */
  async secret(id: string): Promise<string | null> {
    const row = await this.#db.selectFrom('senders').select('secret').where('id', '=', id).executeTakeFirst();
    return row?.secret ?? null;
  }

  async setSecret(id: string, secret: string | null, now: number): Promise<void> {
    await this.#db.updateTable('senders').set({ secret, updated_at: now }).where('id', '=', id).execute();
  }

  /** Stored (encrypted) session keys of one type; ids without a key are absent. */
  async keys(senderId: string, type: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('sender_keys')
      .select(['key_id', 'value'])
      .where('sender_id', '=', senderId)
      .where('type', '=', type)
      .where('key_id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.key_id, r.value]));
  }

  /** Upserts keys, deleting those whose value is null. Call inside a transaction. */
  async setKeys(
    senderId: string,
    entries: readonly { type: string; id: string; value: string | null }[],
  ): Promise<void> {
    const upserts = entries.filter((e) => e.value !== null);
    for (const e of entries.filter((x) => x.value === null)) {
      await this.#db
        .deleteFrom('sender_keys')
        .where('sender_id', '=', senderId)
        .where('type', '=', e.type)
        .where('key_id', '=', e.id)
        .execute();
    }
    for (let start = 0; start < upserts.length; start += 500) {
      await this.#db
        .insertInto('sender_keys')
        .values(
          upserts
            .slice(start, start + 500)
            .map((e) => ({ sender_id: senderId, type: e.type, key_id: e.id, value: e.value as string })),
        )
        .onConflict((oc) =>
          oc
            .columns(['sender_id', 'type', 'key_id'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
        )
        .execute();
    }
  }

  /** Forgets a sender's session: its secret and every key. */
  async clearSession(senderId: string, now: number): Promise<void> {
    await this.#db.deleteFrom('sender_keys').where('sender_id', '=', senderId).execute();
    await this.setSecret(senderId, null, now);
  }

  /** Every sender's id, name and encrypted secret, for the start-up check of KURIR_SECRET. */
  async secrets(): Promise<{ id: string; name: string; secret: string }[]> {
    const rows = await this.#db
      .selectFrom('senders')
      .select(['id', 'name', 'secret'])
      .where('secret', 'is not', null)
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, secret: r.secret as string }));
  }

  /** Health and the run of consecutive failures, kept for restarts and for the API. */
  async setHealth(id: string, health: number, consecutiveFailures: number): Promise<void> {
    await this.#db
      .updateTable('senders')
      .set({ health, consecutive_failures: consecutiveFailures })
      .where('id', '=', id)
      .execute();
  }

  async addHealthPoint(senderId: string, at: number, health: number): Promise<void> {
    await this.#db
      .insertInto('sender_health')
      .values({ sender_id: senderId, at, health })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async healthHistory(senderId: string, since: number): Promise<{ at: number; health: number }[]> {
    const rows = await this.#db
      .selectFrom('sender_health')
      .select(['at', 'health'])
      .where('sender_id', '=', senderId)
      .where('at', '>', since)
      .orderBy('at')
      .execute();
    return rows.map((r) => ({ at: Number(r.at), health: Number(r.health) }));
  }
}
