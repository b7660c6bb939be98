import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { Kysely, SqliteDialect } from 'kysely';
import { RawSql } from '../../src/store/raw-sql.ts';
import { NodeSqliteDatabase } from '../../src/store/sqlite/sqlite-database.ts';
import { WalCheckpointer } from '../../src/store/sqlite/wal-checkpointer.ts';

const MiB = 1024 * 1024;

async function withDatabase(body: (sql: RawSql, file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurir-wal-'));
  const file = path.join(dir, 'test.db');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: NodeSqliteDatabase.open(file) }) });
  try {
    const sql = new RawSql(db, 'sqlite');
    await sql.run('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)', []);
    await sql.rows('PRAGMA wal_checkpoint(TRUNCATE)', []); // the table is in the file itself
    await body(sql, file);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One transaction of `rows` rows of 4 KiB, a page of 8 KiB each. */
async function commit(sql: RawSql, rows: number): Promise<void> {
  await sql.run('BEGIN', []);
  for (let i = 0; i < rows; i++) await sql.run('INSERT INTO blobs (data) VALUES (?)', [randomBytes(4096)]);
  await sql.run('COMMIT', []);
}

const walSize = (file: string) => fs.statSync(`${file}-wal`).size;

/** Rows of `blobs` in the database file itself, without what only its log holds. */
function rowsInFileAlone(file: string): number {
  const copy = `${file}.copy`;
  fs.copyFileSync(file, copy);
  const alone = new DatabaseSync(copy);
  try {
    return Number(alone.prepare('SELECT count(*) AS n FROM blobs').get()?.n);
  } finally {
    alone.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${copy}${suffix}`, { force: true });
  }
}

test('a writer that never pauses keeps the log near its bound, and every row reaches the database file', async () => {
  await withDatabase(async (sql, file) => {
    let largest = 0;
    {
      await using checkpointer = await WalCheckpointer.start(file, sql, 1 * MiB);
      // 320 commits of ~0.25 MiB: 80 MiB through a log bounded at 1 MiB. Between commits
      // the event loop turns, as an import's does while it waits for its next chunk: the
      // checkpointer's answers arrive as messages from its thread.
      for (let i = 0; i < 320; i++) {
        await commit(sql, 32);
        await checkpointer.committed();
        largest = Math.max(largest, walSize(file));
        await new Promise(setImmediate);
      }
    }

    // The bound plus what was committed while a copy ran (the writer learns the log's size
    // only from the checkpointer's answers), not the 80 MiB written.
    assert.ok(largest < 20 * MiB, `the log grew to ${(largest / MiB).toFixed(1)} MiB`);
    assert.equal(rowsInFileAlone(file), 320 * 32);
  });
});

test('stopping copies what is left into the database file, even commits it was not told of', async () => {
  await withDatabase(async (sql, file) => {
    {
      await using _checkpointer = await WalCheckpointer.start(file, sql);
      await commit(sql, 8);
      assert.equal(rowsInFileAlone(file), 0);
    }
    assert.equal(rowsInFileAlone(file), 8);
  });
});

test('the main connection gets its automatic checkpoints back when the checkpointer stops', async () => {
  await withDatabase(async (sql, file) => {
    await sql.run('PRAGMA wal_autocheckpoint = 777', []);
    {
      await using checkpointer = await WalCheckpointer.start(file, sql);
      const [during] = await sql.rows<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint', []);
      assert.equal(Number(during?.wal_autocheckpoint), 0);
      await commit(sql, 4);
      await checkpointer.committed();
    }
    const [after] = await sql.rows<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint', []);
    assert.equal(Number(after?.wal_autocheckpoint), 777);
  });
});
