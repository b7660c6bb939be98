import fs from 'node:fs';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE, opensToOthers } from '../domain/owner-only.ts';
import { secretFile } from './secret-file.ts';

/**
 * Creates the data directory owner-only (0700), or takes group and other access away from
 * one made before Kurir did so, along with its `secret.key`; returns how many entries
 * changed. The database and the uploaded files are tightened by the store that owns them
 * (`prepareSqliteFile`, `FileStorage.tighten`). Only Kurir's own entries are touched: the
 * directory may be shared with things that are not Kurir's.
 */
export function prepareDataDir(dir: string): number {
  fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  let changed = 0;
  if (opensToOthers(fs.statSync(dir).mode)) {
    fs.chmodSync(dir, OWNER_ONLY_DIR_MODE);
    changed++;
  }
  const secret = secretFile(dir);
  if (fs.existsSync(secret) && opensToOthers(fs.statSync(secret).mode)) {
    fs.chmodSync(secret, OWNER_ONLY_FILE_MODE);
    changed++;
  }
  return changed;
}
