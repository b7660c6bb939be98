import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Dialect } from './database.ts';
import * as foundation from './migrations/0001-foundation.ts';
import * as campaigns from './migrations/0002-campaigns.ts';
import * as fleet from './migrations/0003-fleet.ts';
import * as importSegments from './migrations/0004-import-segments.ts';
import * as audienceUploads from './migrations/0005-audience-uploads.ts';
import * as compactContactIndexes from './migrations/0006-compact-contact-indexes.ts';
import * as cancelledMessages from './migrations/0007-cancelled-messages.ts';

interface MigrationModule {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Listed, not globbed: the set of migrations is part of the program, not of the disk. */
const migrations: Record<string, MigrationModule> = {
  '0001-foundation': foundation,
  '0002-campaigns': campaigns,
  '0003-fleet': fleet,
  '0004-import-segments': importSegments,
  '0005-audience-uploads': audienceUploads,
  '0006-compact-contact-indexes': compactContactIndexes,
  '0007-cancelled-messages': cancelledMessages,
};

class StaticMigrationProvider implements MigrationProvider {
  readonly #dialect: Dialect;
  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrations).map(([name, m]) => [
        name,
        { up: (db: Kysely<unknown>) => m.up(db, this.#dialect) },
      ]),
    );
  }
}

/**
 * Applies pending migrations, all or up to and including `until` (a test of one migration
 * starts from the schema before it). Applied migrations are skipped, so it runs at every
 * start-up. On PostgreSQL Kysely's migrator takes a table lock, so processes starting
 * together apply each migration once. On SQLite it locks nothing: a CLI command run in the
 * very instant a server first starts after an upgrade can fail on a migration the server
 * is applying, and succeeds when run again.
 */
export async function migrate(
  db: Kysely<unknown>,
  dialect: Dialect,
  { schema, until }: { schema?: string | undefined; until?: string } = {},
): Promise<string[]> {
  // Kysely looks for its own tables in any schema unless told which; with several schemas
  // in one database (one per test, or per tenant) that finds another schema's tables.
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await (until === undefined
    ? migrator.migrateToLatest()
    : migrator.migrateTo(until));
  if (error) throw new Error('Database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
