import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from 'baileys';
import { BufferJSON, proto } from 'baileys';
import type { SessionStore } from '../session-store.ts';

/**
 * Baileys' signal keys (every v7 type: pre-key, session, sender-key, sender-key-memory,
 * app-state-sync-key, app-state-sync-version, lid-mapping, device-list, tctoken,
 * identity-key) kept in the `SessionStore` as JSON text. Buffers survive as
 * `BufferJSON` writes them; app-state sync keys are protobuf objects again when read, as
 * Baileys' own file store does. The store is generic over `type`, so a key type a later
 * Baileys adds is kept without a change here.
 */
export class SessionKeyStore implements SignalKeyStore {
  readonly #session: SessionStore;
  #discarded = false;

  constructor(session: SessionStore) {
    this.#session = session;
  }

  async get<T extends keyof SignalDataTypeMap>(
    type: T,
    ids: string[],
  ): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const out: { [id: string]: SignalDataTypeMap[T] } = {};
    if (this.#discarded || ids.length === 0) return out;
    const found = await this.#session.getKeys(type, ids);
    for (const [id, json] of found) {
      const value: unknown = JSON.parse(json, BufferJSON.reviver);
      out[id] = (
        type === 'app-state-sync-key'
          ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
          : value
      ) as SignalDataTypeMap[T];
    }
    return out;
  }

  /** Writes and deletes (null) in one `setKeys` call, which the store runs as one transaction. */
  async set(data: SignalDataSet): Promise<void> {
    if (this.#discarded) return;
    const entries: { type: string; id: string; value: string | null }[] = [];
    for (const [type, byId] of Object.entries(data)) {
      for (const [id, value] of Object.entries(byId ?? {})) {
        entries.push({
          type,
          id,
          value: value === null || value === undefined ? null : JSON.stringify(value, BufferJSON.replacer),
        });
      }
    }
    if (entries.length > 0) await this.#session.setKeys(entries);
  }

  /**
   * From now on reads find nothing and writes are dropped: the session was wiped (logged
   * out), and a socket still winding down must not write keys of the dead session back.
   */
  discard(): void {
    this.#discarded = true;
  }
}
