/**
 * Kurir's data is for the account that runs it alone: the database holds every contact and
 * the sealed sender sessions, `secret.key` opens those, and uploads are customer lists and
 * media. The data directory and every folder in it get {@link OWNER_ONLY_DIR_MODE}, every
 * file Kurir writes {@link OWNER_ONLY_FILE_MODE}, whatever the process umask (a umask can
 * only take bits away from a mode given at creation, so these hold under any umask).
 */
export const OWNER_ONLY_DIR_MODE = 0o700;
export const OWNER_ONLY_FILE_MODE = 0o600;

/** Whether `mode` (from `stat`) lets anyone but the owner in. */
export function opensToOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}
