import type { SessionStore } from '../../../src/drivers/session-store.ts';

/** A `SessionStore` in memory, with a log of what was written, for tests. */
export class MemorySessionStore implements SessionStore {
  creds: string | null = null;
  readonly keys = new Map<string, string>();
  /** Every call that wrote, in order. */
  readonly writes: string[] = [];
  /** Makes the next `saveCreds` reject once. */
  failNextCredsWrite = false;

  async loadCreds(): Promise<string | null> {
    return this.creds;
  }

  async saveCreds(json: string): Promise<void> {
    if (this.failNextCredsWrite) {
      this.failNextCredsWrite = false;
      throw new Error('the store is busy');
    }
    this.writes.push('saveCreds');
    this.creds = json;
  }

  async getKeys(type: string, ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) {
      const value = this.keys.get(`${type}/${id}`);
      if (value !== undefined) out.set(id, value);
    }
    return out;
  }

  async setKeys(entries: readonly { type: string; id: string; value: string | null }[]): Promise<void> {
    this.writes.push(`setKeys(${entries.length})`);
    for (const { type, id, value } of entries) {
      if (value === null) this.keys.delete(`${type}/${id}`);
      else this.keys.set(`${type}/${id}`, value);
    }
  }

  async clear(): Promise<void> {
    this.writes.push('clear');
    this.creds = null;
    this.keys.clear();
  }
}
