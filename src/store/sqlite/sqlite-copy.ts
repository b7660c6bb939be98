import fs from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import { OWNER_ONLY_FILE_MODE } from '../../domain/owner-only.ts';

/**
 * More pages than any database has, so the online backup copies everything in one step,
 * inside one read transaction: a consistent snapshot however busy the server is. In WAL
 * mode that read blocks no writer (it only keeps checkpoints from passing it). Copied in
 * smaller steps, every commit of the server between two steps starts the copy over: a
 * 103 MB database with a commit every 2 ms took 0.6 s in one step, 18 s and 1,597 restarts
 * in steps of 100 pages.
 */
const ALL_PAGES = 2_147_483_647;

/**
 * Copies the SQLite database at `source` to a new file `target` (owner-only) with SQLite's
 * online backup, so the server may keep running and writing meanwhile. Answers with the
 * number of pages copied.
 */
export async function copySqlite(source: string, target: string): Promise<number> {
  // Created first: SQLite would create it 0644, and it holds every contact.
  fs.writeFileSync(target, '', { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  const db = new DatabaseSync(source, { timeout: 5000 });
  try {
    return await backup(db, target, { rate: ALL_PAGES });
  } finally {
    db.close();
  }
}

/**
 * Checks that `file` is a sound SQLite database made by Kurir (it has Kurir's migrations
 * table and passes `quick_check`); answers with the problem, or `null`.
 */
export function sqliteCopyProblem(file: string): string | null {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    return `it does not open as SQLite (${(error as Error).message})`;
  }
  try {
    const [check] = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    if (check?.quick_check !== 'ok') return `SQLite finds it damaged (${check?.quick_check ?? 'no answer'})`;
    const migrations = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'")
      .get() as { n: number };
    return migrations.n === 1 ? null : 'it is not a Kurir database (no migrations table)';
  } catch (error) {
    return `it cannot be read (${(error as Error).message})`;
  } finally {
    db.close();
  }
}

/**
 * Whether some process (a Kurir server, another `kurir` command) has the database open.
 * Every connection to a database in WAL mode holds a shared lock on it for as long as it is
 * open, so an exclusive lock is refused exactly while one does; the lock is released at
 * once. A process that crashed holds nothing: its locks went with it.
 */
export function sqliteInUse(file: string): boolean {
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    if (/locked|busy/i.test((error as Error).message)) return true;
    throw error;
  } finally {
    db.close();
  }
}
