import fs from 'node:fs';
import path from 'node:path';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../../domain/owner-only.ts';
import { FileStorage, fileStorageDir } from '../../store/file-storage.ts';
import { sqliteCopyProblem, sqliteInUse } from '../../store/sqlite/sqlite-copy.ts';
import { sqliteCompanions } from '../../store/sqlite/sqlite-files.ts';
import { prepareDataDir } from '../../system/data-dir.ts';
import { secretFile } from '../../system/secret-file.ts';
import { extractTarEntry, readTarEntry, readTarIndex, type TarEntry } from '../../system/tar-reader.ts';
import {
  type BackupManifest,
  DATABASE_ENTRY,
  fileEntryKey,
  MANIFEST_ENTRY,
  parseManifest,
  SECRET_ENTRY,
} from './backup-manifest.ts';

export interface RestoreOptions {
  /** The data directory to restore into. */
  dataDir: string;
  /** Replace the data a directory already holds (never a database a process has open). */
  force: boolean;
}

/**
 * Restores a backup made by `writeBackup` into `dataDir`: the database, the secret when
 * the backup holds it, and the uploads when it holds them. Everything is unpacked and
 * checked (checksum, SQLite's `quick_check`, Kurir's schema) in a folder beside the data
 * before anything is replaced, so a bad backup changes nothing. It refuses a directory that
 * already holds Kurir data unless `force`, and a database some process has open always:
 * replacing the file under a running server would corrupt it.
 */
export async function restoreBackup(input: string, options: RestoreOptions): Promise<BackupManifest> {
  const { entries, manifest } = await readBackup(input);
  const { dataDir } = options;
  prepareDataDir(dataDir);
  const database = path.join(dataDir, DATABASE_ENTRY);
  if (fs.existsSync(database) && sqliteInUse(database))
    throw new Error(
      `${database} is open in a running Kurir (the server, or a kurir command): stop it first. ` +
        'A restore never replaces a database in use, not even with --force.',
    );
  const storage = new FileStorage(fileStorageDir(dataDir));
  const holds = [
    fs.existsSync(database) && fs.statSync(database).size > 0 ? DATABASE_ENTRY : null,
    fs.existsSync(secretFile(dataDir)) ? SECRET_ENTRY : null,
    (await storage.list()).length > 0 ? 'files/' : null,
  ].filter((e) => e !== null);
  if (holds.length > 0 && !options.force)
    throw new Error(
      `${dataDir} already holds Kurir data (${holds.join(', ')}). Restore into an empty data ` +
        'directory, or add --force to replace it with the backup.',
    );

  const work = fs.mkdtempSync(path.join(dataDir, '.kurir-restore-'));
  try {
    const unpacked = path.join(work, DATABASE_ENTRY);
    const db = entries.get(DATABASE_ENTRY) as TarEntry;
    const sum = await extractTarEntry(input, db, unpacked, OWNER_ONLY_FILE_MODE);
    if (sum !== manifest.database.sha256 || db.size !== manifest.database.bytes)
      throw new Error(`${input}: the database does not match its checksum (damaged backup?)`);
    const problem = sqliteCopyProblem(unpacked);
    if (problem !== null) throw new Error(`${input}: the database is not usable: ${problem}`);
    const secret = entries.get(SECRET_ENTRY);
    if (secret !== undefined)
      await extractTarEntry(input, secret, path.join(work, SECRET_ENTRY), OWNER_ONLY_FILE_MODE);
    const files = new FileStorage(path.join(work, 'files'));
    fs.mkdirSync(path.join(work, 'files'), { mode: OWNER_ONLY_DIR_MODE });
    for (const [name, entry] of entries) {
      const key = fileEntryKey(name);
      if (key === null) continue;
      const target = files.path(key.workspaceId, key.fileId);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: OWNER_ONLY_DIR_MODE });
      await extractTarEntry(input, entry, target, OWNER_ONLY_FILE_MODE);
    }

    // Everything checked; now the swap. A log or index left from the database being
    // replaced would be read as the new one's: they go first.
    for (const companion of sqliteCompanions(database)) fs.rmSync(companion, { force: true });
    fs.renameSync(unpacked, database);
    if (secret !== undefined) fs.renameSync(path.join(work, SECRET_ENTRY), secretFile(dataDir));
    if (manifest.files !== null) {
      const current = fileStorageDir(dataDir);
      if (fs.existsSync(current)) fs.renameSync(current, path.join(work, 'replaced-files'));
      fs.renameSync(path.join(work, 'files'), current);
    }
    return manifest;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The archive's entries by name and its manifest, or why it is not a Kurir backup. */
async function readBackup(
  input: string,
): Promise<{ entries: Map<string, TarEntry>; manifest: BackupManifest }> {
  const refuse = (why: string) =>
    new Error(`${input} is not a Kurir backup this version can restore: ${why}`);
  let list: TarEntry[];
  try {
    list = await readTarIndex(input);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${input} does not exist`);
    throw refuse((error as Error).message);
  }
  const entries = new Map<string, TarEntry>();
  for (const entry of list) {
    const known =
      [MANIFEST_ENTRY, DATABASE_ENTRY, SECRET_ENTRY].includes(entry.name) || fileEntryKey(entry.name);
    // Only the names a backup writes: nothing is unpacked outside the data directory.
    if (!known || entry.type !== '0') throw refuse(`it holds ${entry.name}, which Kurir does not write`);
    if (entries.has(entry.name)) throw refuse(`it holds ${entry.name} twice`);
    entries.set(entry.name, entry);
  }
  const first = list[0];
  if (first?.name !== MANIFEST_ENTRY || first.size > 64 * 1024)
    throw refuse(`it does not start with ${MANIFEST_ENTRY}`);
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(await readTarEntry(input, first));
  } catch (error) {
    throw refuse((error as Error).message);
  }
  if (!entries.has(DATABASE_ENTRY)) throw refuse(`it has no ${DATABASE_ENTRY}`);
  if ((manifest.secret === 'secret.key') !== entries.has(SECRET_ENTRY))
    throw refuse(`its manifest and its ${SECRET_ENTRY} disagree`);
  const fileCount = [...entries.keys()].filter((name) => fileEntryKey(name) !== null).length;
  if (fileCount !== (manifest.files ?? 0)) throw refuse('its manifest and its files disagree');
  return { entries, manifest };
}
