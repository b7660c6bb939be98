import { type Expression, type ExpressionBuilder, type ExpressionWrapper, type SqlBool, sql } from 'kysely';
import type { ContactFilter } from '../domain/contact.ts';
import type { Database, Dialect } from './database.ts';

type ContactsEb = ExpressionBuilder<Database, 'contacts'>;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `contacts.id` among `ids`, bound as one parameter however many there are: a campaign's
 * audience may list 100,000 contacts, and one bound value per id passes SQLite's limit of
 * 32,766 variables and PostgreSQL's of 65,535 parameters (whose count wraps, so the server
 * answers "bind message has 34466 parameter formats but 0 parameters" for 100,001).
 */
function idIn(dialect: Dialect, ids: readonly string[]): Expression<SqlBool> {
  return dialect === 'postgres'
    ? sql<SqlBool>`contacts.id = ANY(CAST(${ids} AS text[]))`
    : sql<SqlBool>`contacts.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/**
 * The WHERE clause for a contact filter, shared by lists, exports and (later) campaign
 * audiences so that what a user previews is exactly what gets selected.
 */
export function contactFilterWhere(
  eb: ContactsEb,
  dialect: Dialect,
  workspaceId: string,
  filter: ContactFilter,
): ExpressionWrapper<Database, 'contacts', SqlBool> {
  const parts: Expression<SqlBool>[] = [eb('contacts.workspace_id', '=', workspaceId)];
  if (filter.q !== undefined && filter.q.trim() !== '') {
    const pattern = `%${escapeLike(filter.q.trim())}%`;
    const like = dialect === 'postgres' ? sql`ILIKE` : sql`LIKE`;
    parts.push(
      sql<SqlBool>`(contacts.name ${like} ${pattern} ESCAPE '\\' OR contacts.phone ${like} ${pattern} ESCAPE '\\')`,
    );
  }
  if (filter.tags !== undefined && filter.tags.length > 0) {
    parts.push(
      eb(
        'contacts.id',
        'in',
        eb
          .selectFrom('contact_tags')
          .select('contact_tags.contact_id')
          .where('contact_tags.workspace_id', '=', workspaceId)
          .where('contact_tags.tag', 'in', filter.tags),
      ),
    );
  }
  if (filter.status !== undefined && filter.status.length > 0) {
    parts.push(eb('contacts.status', 'in', filter.status));
  }
  if (filter.ids !== undefined) {
    parts.push(filter.ids.length > 0 ? idIn(dialect, filter.ids) : sql<SqlBool>`1 = 0`);
  }
  if (filter.importId !== undefined) {
    parts.push(
      eb(
        'contacts.id',
        'in',
        eb
          .selectFrom('import_members')
          .select('import_members.contact_id')
          .where('import_members.job_id', '=', filter.importId),
      ),
    );
  }
  for (const [key, value] of Object.entries(filter.fields ?? {})) {
    // Keys are validated against FIELD_KEY_PATTERN before they get here; still passed as a
    // parameter, never spliced into SQL.
    const extracted =
      dialect === 'postgres'
        ? sql<string>`(contacts.fields ->> CAST(${key} AS text))`
        : sql<string>`(CASE json_type(contacts.fields, '$.' || ${key})
              WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
              ELSE CAST(json_extract(contacts.fields, '$.' || ${key}) AS TEXT) END)`;
    parts.push(eb(extracted, '=', value));
  }
  return eb.and(parts);
}
