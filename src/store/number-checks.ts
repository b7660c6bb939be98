import type { Db } from './database.ts';

/**
 * Which phones have WhatsApp, as a driver last said. Checking every recipient on every
 * campaign is slow and looks like scraping to WhatsApp; a week-old answer is good enough
 * (Evolution caches for 7 days too).
 */
export class NumberCheckRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Answers checked after `since` for these phones; phones without one are absent. */
  async known(workspaceId: string, phones: readonly string[], since: number): Promise<Map<string, boolean>> {
    if (phones.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('number_checks')
      .select(['phone', 'on_whatsapp'])
      .where('workspace_id', '=', workspaceId)
      .where('phone', 'in', phones)
      .where('checked_at', '>', since)
      .execute();
    return new Map(rows.map((r) => [r.phone, Number(r.on_whatsapp) === 1]));
  }

  async record(workspaceId: string, results: ReadonlyMap<string, boolean>, at: number): Promise<void> {
    if (results.size === 0) return;
    await this.#db
      .insertInto('number_checks')
      .values(
        [...results].map(([phone, on]) => ({
          workspace_id: workspaceId,
          phone,
          on_whatsapp: on ? 1 : 0,
          checked_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'phone']).doUpdateSet((eb) => ({
          on_whatsapp: eb.ref('excluded.on_whatsapp'),
          checked_at: eb.ref('excluded.checked_at'),
        })),
      )
      .execute();
  }
}
