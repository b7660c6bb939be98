import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../domain/owner-only.ts';

/**
 * The secret for embedded mode when `KURIR_SECRET` is not set: read from
 * `<dataDir>/secret.key`, or generated there (owner-only, mode 0600) on first start.
 * Returns whether it was just made, so start-up can say so.
 */
export function embeddedSecret(dataDir: string): { secret: string; file: string; created: boolean } {
  const file = secretFile(dataDir);
  if (fs.existsSync(file)) return { secret: fs.readFileSync(file, 'utf8').trim(), file, created: false };
  fs.mkdirSync(dataDir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: OWNER_ONLY_FILE_MODE, flag: 'wx' });
  return { secret, file, created: true };
}

/** Where embedded mode keeps its generated secret. */
export function secretFile(dataDir: string): string {
  return path.join(dataDir, 'secret.key');
}
