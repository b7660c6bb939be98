import type { AuthenticationCreds, AuthenticationState } from 'baileys';
import { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore } from 'baileys';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { SessionStore } from '../session-store.ts';
import { MemoryCache } from './memory-cache.ts';
import { SessionKeyStore } from './session-key-store.ts';

/** Signal keys are read on every send and receive; Baileys' own cache keeps them 5 minutes. */
const KEY_CACHE_TTL_MS = 5 * 60_000;
const KEY_CACHE_MAX = 20_000;

export interface SessionAuthStateDeps {
  session: SessionStore;
  clock: Clock;
  log: Logger;
}

/**
 * One sender's WhatsApp Web credentials and signal keys, read from and written to the
 * `SessionStore` (never to files: the engine encrypts the store at rest). The same `creds`
 * object lives across sockets: Baileys mutates it in place on `creds.update`, and
 * `saveCreds` writes all of it.
 */
export class SessionAuthState {
  readonly state: AuthenticationState;
  readonly #deps: SessionAuthStateDeps;
  readonly #keys: SessionKeyStore;
  /** The newest creds not yet handed to the store; older unsaved versions are superseded. */
  #unsaved: string | null = null;
  #writing: Promise<void> = Promise.resolve();
  #discarded = false;

  private constructor(deps: SessionAuthStateDeps, creds: AuthenticationCreds) {
    this.#deps = deps;
    this.#keys = new SessionKeyStore(deps.session);
    const cache = new MemoryCache({ clock: deps.clock, ttlMs: KEY_CACHE_TTL_MS, maxEntries: KEY_CACHE_MAX });
    this.state = { creds, keys: makeCacheableSignalKeyStore(this.#keys, deps.log, cache) };
  }

  /** The saved session, or fresh credentials for a sender never paired (or logged out). */
  static async load(deps: SessionAuthStateDeps): Promise<SessionAuthState> {
    const json = await deps.session.loadCreds();
    const creds: AuthenticationCreds = json === null ? initAuthCreds() : JSON.parse(json, BufferJSON.reviver);
    return new SessionAuthState(deps, creds);
  }

  /**
   * The phone accepted this device. `account` is set by the pair-success step of both QR and
   * code pairing; `registered` alone is only set by code pairing, and `me` is already set
   * by a pairing-code request that was never completed.
   */
  get paired(): boolean {
    const { creds } = this.state;
    return creds.me?.id !== undefined && (creds.account != null || creds.registered);
  }

  /**
   * Queues a write of the full creds as they are now. Writes run one at a time, in order;
   * versions queued behind a running write collapse into the newest. A failed write is
   * logged and healed by the next one, which carries everything (Baileys updates the creds
   * on every connect and key upload).
   */
  saveCreds(): void {
    if (this.#discarded) return;
    const first = this.#unsaved === null;
    this.#unsaved = JSON.stringify(this.state.creds, BufferJSON.replacer);
    if (first) this.#writing = this.#writing.then(() => this.#writeUnsaved());
  }

  /** Resolves once every queued creds write has finished. */
  flushed(): Promise<void> {
    return this.#writing;
  }

  /**
   * Forgets the session for good (a logout): later writes are dropped — a socket winding
   * down must not save the dead session back — and the store is cleared after any write
   * already running.
   */
  async wipe(): Promise<void> {
    this.#discarded = true;
    this.#unsaved = null;
    this.#keys.discard();
    await this.#writing;
    await this.#deps.session.clear();
  }

  async #writeUnsaved(): Promise<void> {
    const json = this.#unsaved;
    this.#unsaved = null;
    if (json === null || this.#discarded) return;
    try {
      await this.#deps.session.saveCreds(json);
    } catch (error) {
      this.#deps.log.error({ err: error }, 'saving the WhatsApp credentials failed; the next update retries');
    }
  }
}
