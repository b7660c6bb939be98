import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OWNER_ONLY_FILE_MODE } from '../../domain/owner-only.ts';
import { FileStorage, fileStorageDir } from '../../store/file-storage.ts';
import { copySqlite, sqliteCopyProblem } from '../../store/sqlite/sqlite-copy.ts';
import { prepareSqliteFile } from '../../store/sqlite/sqlite-files.ts';
import { secretFile } from '../../system/secret-file.ts';
import { TarWriter } from '../../system/tar-writer.ts';
import {
  BACKUP_FORMAT,
  type BackupManifest,
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  SECRET_ENTRY,
} from './backup-manifest.ts';

export interface WriteBackupOptions {
  /** The data directory of an embedded (SQLite) Kurir. */
  dataDir: string;
  /** `KURIR_SECRET` is set: the sessions' key is not in the data directory. */
  secretFromEnv: boolean;
  /** Whether uploaded media and import CSVs go in too. */
  includeFiles: boolean;
  kurirVersion: string;
  /** The instant the backup is dated (epoch ms). */
  now: number;
}

/**
 * Writes a backup of the data directory to `output` (see `BackupManifest` for the layout)
 * while the server may keep running: the database is copied with SQLite's online backup
 * into a consistent snapshot, the uploads (write-once) after it. The archive is written
 * beside `output` under a temporary name, flushed and renamed, owner-only: it holds every
 * contact and, unless `KURIR_SECRET` is used, the key to the sessions.
 */
export async function writeBackup(output: string, options: WriteBackupOptions): Promise<BackupManifest> {
  const database = path.join(options.dataDir, DATABASE_ENTRY);
  if (!fs.existsSync(database))
    throw new Error(`there is no database at ${database} (is DATA_DIR the server's data directory?)`);
  // Made owner-only like the server would, before this process opens it too.
  prepareSqliteFile(database);
  const work = fs.mkdtempSync(path.join(path.dirname(output), '.kurir-backup-'));
  try {
    const snapshot = path.join(work, DATABASE_ENTRY);
    await copySqlite(database, snapshot);
    const problem = sqliteCopyProblem(snapshot);
    if (problem !== null) throw new Error(`the copy of ${database} is not usable: ${problem}`);

    const secret = options.secretFromEnv
      ? 'KURIR_SECRET'
      : fs.existsSync(secretFile(options.dataDir))
        ? 'secret.key'
        : 'none';
    const storage = new FileStorage(fileStorageDir(options.dataDir));
    const files = options.includeFiles ? await storage.list() : null;
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: 1,
      kurirVersion: options.kurirVersion,
      createdAt: new Date(options.now).toISOString(),
      database: { bytes: fs.statSync(snapshot).size, sha256: await sha256(snapshot) },
      secret,
      files: files === null ? null : files.length,
    };

    const archive = path.join(work, 'backup.tar');
    const out = await fs.promises.open(archive, 'wx', OWNER_ONLY_FILE_MODE);
    try {
      const tar = new TarWriter(out);
      await tar.addBytes(MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), options.now);
      await tar.addFile(DATABASE_ENTRY, snapshot);
      if (secret === 'secret.key') await tar.addFile(SECRET_ENTRY, secretFile(options.dataDir));
      for (const f of files ?? [])
        await tar.addFile(`files/${f.workspaceId}/${f.fileId}`, storage.path(f.workspaceId, f.fileId));
      await tar.finish();
      await out.sync();
    } finally {
      await out.close();
    }
    fs.renameSync(archive, output);
    return manifest;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
