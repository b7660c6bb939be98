import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database, Dialect } from './database.ts';
import { migrate } from './migrator.ts';
import { NodeSqliteDatabase } from './sqlite/sqlite-database.ts';
import { prepareSqliteFile } from './sqlite/sqlite-files.ts';
import { Store } from './store.ts';

export type StoreLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; poolSize?: number; schema?: string };

/** `DATABASE_URL` when set, otherwise the embedded SQLite file in the data directory. */
export function storeLocation(
  databaseUrl: string | undefined,
  dataDir: string,
  poolSize?: number,
): StoreLocation {
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    }
    return { kind: 'postgres', url: databaseUrl, ...(poolSize === undefined ? {} : { poolSize }) };
  }
  return { kind: 'sqlite', file: path.join(dataDir, 'kurir.db') };
}

// BIGINT (epoch ms, counters) as numbers: every value Kurir stores fits in 2^53.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Opens the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const { db, dialect } = connectDatabase(location);
  try {
    await migrate(db as Kysely<unknown>, dialect, {
      schema: location.kind === 'postgres' ? location.schema : undefined,
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new Store(db, dialect, () => db.destroy());
}

/** A connection (SQLite) or a pool (PostgreSQL) to the database, its schema left as it is. */
export function connectDatabase(location: StoreLocation): { db: Kysely<Database>; dialect: Dialect } {
  if (location.kind === 'sqlite') {
    if (location.file !== ':memory:') prepareSqliteFile(location.file);
    const database = NodeSqliteDatabase.open(location.file);
    return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite' };
  }
  const schema = location.schema;
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    types: pgTypes,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection dropped by the server emits 'error' on the pool; without a listener
  // that would crash the process. The next query on it fails and is handled where it runs.
  pool.on('error', () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}
