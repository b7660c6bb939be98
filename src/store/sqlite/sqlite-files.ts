import fs from 'node:fs';
import path from 'node:path';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE, opensToOthers } from '../../domain/owner-only.ts';

/**
 * The files SQLite keeps beside a database: the write-ahead log, its shared-memory index,
 * and the rollback journal (briefly, while a new file switches to WAL).
 */
export function sqliteCompanions(file: string): string[] {
  return [`${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/**
 * Makes `file` ready to open as Kurir's database, readable by its owner only. SQLite creates
 * a database with mode 0644 (less the umask) and gives its log and index the database's
 * mode, so the file is created here first, empty and 0600 (SQLite takes an empty file as a
 * new database), and an existing database and its companions from before are tightened.
 */
export function prepareSqliteFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  fs.closeSync(fs.openSync(file, 'a', OWNER_ONLY_FILE_MODE));
  for (const f of [file, ...sqliteCompanions(file)]) {
    let mode: number;
    try {
      mode = fs.statSync(f).mode;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (opensToOthers(mode)) fs.chmodSync(f, OWNER_ONLY_FILE_MODE);
  }
}
