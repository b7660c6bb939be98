import type { Clock } from '../domain/clock.ts';
import type { SessionStore } from '../drivers/session-store.ts';
import type { Store } from '../store/store.ts';
import type { SecretBox } from '../system/secret-box.ts';

/**
 * A driver's session state kept in Kurir's store, every value encrypted: the credentials in
 * the sender's `secret`, each signal key in `sender_keys`. No session folder on disk, and
 * a database dump alone opens no WhatsApp account.
 */
export class StoredSession implements SessionStore {
  readonly #store: Store;
  readonly #box: SecretBox;
  readonly #clock: Clock;
  readonly #senderId: string;

  constructor(deps: { store: Store; box: SecretBox; clock: Clock; senderId: string }) {
    this.#store = deps.store;
    this.#box = deps.box;
    this.#clock = deps.clock;
    this.#senderId = deps.senderId;
  }

  async loadCreds(): Promise<string | null> {
    const sealed = await this.#store.senders.secret(this.#senderId);
    return sealed === null ? null : this.#box.decrypt(sealed);
  }

  async saveCreds(json: string): Promise<void> {
    await this.#store.senders.setSecret(this.#senderId, this.#box.encrypt(json), this.#clock.now());
  }

  async getKeys(type: string, ids: readonly string[]): Promise<Map<string, string>> {
    const sealed = await this.#store.senders.keys(this.#senderId, type, ids);
    return new Map([...sealed].map(([id, value]) => [id, this.#box.decrypt(value)]));
  }

  async setKeys(entries: readonly { type: string; id: string; value: string | null }[]): Promise<void> {
    const sealed = entries.map((e) => ({
      ...e,
      value: e.value === null ? null : this.#box.encrypt(e.value),
    }));
    await this.#store.transaction((tx) => tx.senders.setKeys(this.#senderId, sealed));
  }

  async clear(): Promise<void> {
    await this.#store.transaction((tx) => tx.senders.clearSession(this.#senderId, this.#clock.now()));
  }
}
