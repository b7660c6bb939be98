/**
 * What a Kurir backup holds. The backup is a plain ustar archive (`tar -tvf` lists it):
 *
 *   kurir-backup.json   this manifest, first
 *   kurir.db            the SQLite database, a consistent snapshot
 *   secret.key          the key that opens the stored sessions, when it was a file
 *   files/<ws>/<id>     uploaded media and import CSVs, unless left out
 */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  kurirVersion: string;
  /** ISO 8601, when the snapshot was taken. */
  createdAt: string;
  database: { bytes: number; sha256: string };
  /**
   * Where the sessions' key was: in this backup (`secret.key`), in `KURIR_SECRET` (not in the
   * backup: keep it elsewhere), or nowhere yet (the server never made one).
   */
  secret: 'secret.key' | 'KURIR_SECRET' | 'none';
  /** How many uploaded files the backup holds, or `null` when they were left out. */
  files: number | null;
}

export const BACKUP_FORMAT = 'kurir-backup';
export const MANIFEST_ENTRY = 'kurir-backup.json';
export const DATABASE_ENTRY = 'kurir.db';
export const SECRET_ENTRY = 'secret.key';

/** `files/<workspace id>/<file id>`, the layout of `FileStorage`. */
const FILE_ENTRY = /^files\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/;

/** The workspace and file id of a `files/…` entry, or `null` for any other name. */
export function fileEntryKey(name: string): { workspaceId: string; fileId: string } | null {
  const match = FILE_ENTRY.exec(name);
  return match === null ? null : { workspaceId: match[1] as string, fileId: match[2] as string };
}

/** Reads a manifest, or says why it is not one this Kurir can restore. */
export function parseManifest(bytes: Buffer): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`its ${MANIFEST_ENTRY} is not JSON`);
  }
  const m = value as Partial<BackupManifest> | null;
  if (m?.format !== BACKUP_FORMAT) throw new Error(`its ${MANIFEST_ENTRY} is not a Kurir backup manifest`);
  if (m.version !== 1)
    throw new Error(`it is a version ${String(m.version)} backup; this Kurir reads version 1`);
  const db = m.database;
  if (
    typeof db?.bytes !== 'number' ||
    typeof db.sha256 !== 'string' ||
    !['secret.key', 'KURIR_SECRET', 'none'].includes(m.secret as string) ||
    !(m.files === null || typeof m.files === 'number')
  )
    throw new Error(`its ${MANIFEST_ENTRY} is incomplete`);
  return m as BackupManifest;
}
