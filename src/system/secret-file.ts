import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The secret for embedded mode when `KURIR_SECRET` is not set: read from
 * `<dataDir>/secret.key`, or generated there (owner-only, mode 0600) on first start.
 * Returns whether it was just made, so start-up can say so.
 */
export function embeddedSecret(dataDir: string): { secret: string; file: string; created: boolean } {
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return { secret: fs.readFileSync(file, 'utf8').trim(), file, created: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, file, created: true };
}
