import { type Kysely, sql } from 'kysely';
import type { Audience } from '../domain/campaign.ts';
import type { ContactFilter } from '../domain/contact.ts';
import { contactFilterWhere } from './contact-filter.ts';
import type { Database, Db, Dialect } from './database.ts';

export function audienceFilter(audience: Audience): ContactFilter {
  const filter: ContactFilter = {};
  if (audience.tags !== undefined && audience.tags.length > 0) filter.tags = audience.tags;
  if (audience.status !== undefined && audience.status.length > 0) filter.status = audience.status;
  if (audience.fields !== undefined && Object.keys(audience.fields).length > 0)
    filter.fields = audience.fields;
  if (audience.contactIds !== undefined) filter.ids = audience.contactIds;
  if (audience.importId !== undefined) filter.importId = audience.importId;
  return filter;
}

/**
 * Turns the next `limit` contacts of an audience (in id order, after `cursor`) into message
 * rows with one INSERT … SELECT: no contact passes through JavaScript, so a million-
 * recipient campaign expands in constant memory. Suppressed phones become `skipped` rows
 * with their reason, never silently dropped. Message ids are the campaign's id body and the
 * row's position, so the same expansion run twice produces the same ids — and the primary
 * key refuses the second copy.
 */
export class AudienceExpansion {
  readonly #db: Db;
  readonly #dialect: Dialect;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async expandChunk(
    campaign: { id: string; workspaceId: string; audience: Audience },
    cursor: string | null,
    firstSeq: number,
    limit: number,
    now: number,
  ): Promise<{ inserted: number; lastContactId: string | null }> {
    const db = this.#db as Kysely<Database>;
    const filter = audienceFilter(campaign.audience);
    let inner = db
      .selectFrom('contacts')
      .select(['contacts.id', 'contacts.workspace_id', 'contacts.phone'])
      .where((eb) => contactFilterWhere(eb, this.#dialect, campaign.workspaceId, filter));
    if (cursor !== null) inner = inner.where('contacts.id', '>', cursor);
    const chunk = inner.orderBy('contacts.id').limit(limit);

    const position = sql<number>`(${firstSeq - 1} + row_number() OVER (ORDER BY c.id))`;
    const padded =
      this.#dialect === 'postgres'
        ? sql<string>`lpad(${position}::text, 10, '0')`
        : sql<string>`printf('%010d', ${position})`;
    const idBody = campaign.id.slice(campaign.id.indexOf('_') + 1);
    const result = await db
      .insertInto('messages')
      .columns([
        'id',
        'workspace_id',
        'campaign_id',
        'contact_id',
        'phone',
        'seq',
        'state',
        'reason',
        'attempt',
        'parts_sent',
        'next_at',
        'created_at',
        'updated_at',
      ])
      .expression(
        db
          .selectFrom(chunk.as('c'))
          .leftJoin('suppressions as s', (join) =>
            join.onRef('s.workspace_id', '=', 'c.workspace_id').onRef('s.phone', '=', 'c.phone'),
          )
          .select([
            sql<string>`${`msg_${idBody}`} || ${padded}`.as('id'),
            'c.workspace_id',
            sql<string>`${campaign.id}`.as('campaign_id'),
            'c.id as contact_id',
            'c.phone',
            position.as('seq'),
            sql<string>`CASE WHEN s.phone IS NULL THEN 'queued' ELSE 'skipped' END`.as('state'),
            sql<string | null>`CASE WHEN s.phone IS NULL THEN NULL ELSE 'suppressed' END`.as('reason'),
            sql<number>`0`.as('attempt'),
            sql<number>`0`.as('parts_sent'),
            sql<number>`${now}`.as('next_at'),
            sql<number>`${now}`.as('created_at'),
            sql<number>`${now}`.as('updated_at'),
          ]),
      )
      .executeTakeFirst();
    const inserted = Number(result.numInsertedOrUpdatedRows ?? 0n);
    if (inserted === 0) return { inserted, lastContactId: null };
    const last = await db
      .selectFrom('messages')
      .select('contact_id')
      .where('campaign_id', '=', campaign.id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return { inserted, lastContactId: last?.contact_id ?? null };
  }
}
