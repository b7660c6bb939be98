import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

export const backends = ['sqlite', 'postgres'] as const;
export type Backend = (typeof backends)[number];

/** Where the PostgreSQL tests connect. Unreachable means they fail: they never skip. */
export const testDatabaseUrl =
  process.env.KURIR_TEST_DATABASE_URL ?? 'postgres://kurir:kurir@127.0.0.1:5432/kurir_test';

export function tempDir(label = 'kurir'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
}

/**
 * A fresh store per test: a new SQLite file, or a new PostgreSQL schema dropped on close
 * (one schema per test, as pg-boss does, so tests never see each other's rows).
 */
export async function openTestStore(backend: Backend): Promise<Store> {
  if (backend === 'sqlite') {
    const dir = tempDir('kurir-store');
    const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'kurir.db') });
    return withCleanup(store, async () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const { value: store, drop } = await inTestSchema((schema) =>
    openStore({ kind: 'postgres', url: testDatabaseUrl, poolSize: 4, schema }),
  );
  return withCleanup(store, drop);
}

/** A PostgreSQL test store (as `openTestStore`) and the name of its schema. */
export async function openPostgresTestStore(poolSize = 4): Promise<{ store: Store; schema: string }> {
  const { value, drop } = await inTestSchema(async (schema) => ({
    schema,
    store: await openStore({ kind: 'postgres', url: testDatabaseUrl, poolSize, schema }),
  }));
  return { store: withCleanup(value.store, drop), schema: value.schema };
}

/**
 * Another connection to a test store's schema, as another process would have: to hold
 * locks the store must wait for. `blocking()` resolves once one of the store's queries is
 * waiting for a lock this connection holds (the fact to wait for, not a time).
 */
export async function otherConnection(
  schema: string,
): Promise<{ client: pg.Client; blocking: () => Promise<void>; [Symbol.asyncDispose](): Promise<void> }> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  return {
    client,
    async blocking() {
      const blocked = 'SELECT 1 FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))';
      while ((await client.query(blocked, [pid])).rowCount === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async [Symbol.asyncDispose]() {
      await client.end();
    },
  };
}

/**
 * Runs `migrate` on a new PostgreSQL schema, holding the lock below shared; answers with
 * what it returned and the function that drops the schema again. A `migrate` that throws
 * leaves no schema behind.
 */
export async function inTestSchema<T>(
  migrate: (schema: string) => Promise<T>,
): Promise<{ value: T; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const drop = async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_DROP_LOCK]);
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  };
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  let value: T;
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query('SELECT pg_advisory_lock_shared($1)', [SCHEMA_DROP_LOCK]);
    value = await migrate(schema);
  } catch (error) {
    // The shared lock goes with this session; the drop waits for it otherwise.
    await admin.end();
    await drop();
    throw error;
  }
  await admin.end();
  return { value, drop };
}

/**
 * Held shared while a test store migrates, and alone while one drops its schema. Kysely's
 * migrator lists the tables of every schema in the database, checking each schema's
 * privileges as it goes, and fails with "schema does not exist" when another test drops
 * one in that instant (tests run in parallel processes). The lock is the database's, so it
 * holds across processes; a session's advisory locks end with it.
 */
const SCHEMA_DROP_LOCK = 7_310_462;

function withCleanup(store: Store, cleanup: () => Promise<void>): Store {
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await cleanup();
  };
  return store;
}
