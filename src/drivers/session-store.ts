/**
 * Where a driver keeps the state of its session (WhatsApp Web credentials and signal keys)
 * so that a restart resumes it without pairing again. One instance serves one sender. The
 * engine implements it over Kurir's store and encrypts every value at rest; drivers see and
 * give plain JSON text. Nothing is ever written to disk by a driver itself.
 */
export interface SessionStore {
  /** The saved credentials (JSON text), or null for a session never paired. */
  loadCreds(): Promise<string | null>;
  saveCreds(json: string): Promise<void>;
  /** Values (JSON text) of the keys of one type; ids without a value are absent. */
  getKeys(type: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Writes and deletes (value null) keys in one transaction: unsaved keys lose messages. */
  setKeys(entries: readonly { type: string; id: string; value: string | null }[]): Promise<void>;
  /** Forgets the whole session (after a logout). */
  clear(): Promise<void>;
}
