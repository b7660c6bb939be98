import type { ConnectionState, WAMessage, WAMessageUpdate } from 'baileys';
import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../../domain/clock.ts';
import { KurirError } from '../../domain/errors.ts';
import type { Random } from '../../domain/random.ts';
import type { DriverEvent } from '../driver.ts';
import type { SessionStore } from '../session-store.ts';
import { phoneOf } from './phone-jid.ts';
import { type Backoff, decideOnClose, reconnectDelayMs, statusOf } from './reconnect-policy.ts';
import { SessionAuthState } from './session-auth-state.ts';
import type { MakeSocket, SocketLike, SocketOptions } from './socket-like.ts';

/** How long `pairableSocket` waits for WhatsApp to offer pairing on a new socket. */
const PAIRING_WAIT_MS = 30_000;

export type SessionPhase = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped' | 'logged_out' | 'banned';

export interface BaileysSessionDeps {
  clock: Clock;
  random: Random;
  session: SessionStore;
  log: Logger;
  makeSocket: MakeSocket;
  backoff: Backoff;
  /** Everything a socket is built with besides the session's own auth state. */
  socketOptions: Omit<SocketOptions, 'auth'>;
  /** Reports the session's state: `qr`, `connected`, `disconnected`, `logged_out`, `banned`. */
  emit: (event: DriverEvent) => void;
  /** Receipts and inbound messages of the current socket, as Baileys emitted them. */
  onUpdates: (updates: WAMessageUpdate[]) => void;
  onMessages: (socket: SocketLike, messages: WAMessage[]) => void;
}

/**
 * One sender's link to WhatsApp through Baileys: loads the saved session, builds sockets
 * (a closed socket is dead; each connect and reconnect makes a new one around the same
 * credentials), follows their connection state, reconnects by `decideOnClose`, and wipes
 * the session on a logout from either side.
 */
export class BaileysSession {
  readonly #deps: BaileysSessionDeps;
  #socket: SocketLike | null = null;
  #phase: SessionPhase = 'idle';
  #auth: SessionAuthState | null = null;
  #starting: Promise<void> | null = null;
  #wiping: Promise<void> | null = null;
  #retry: CancelTimer | null = null;
  #retryAt: number | null = null;
  #attempt = 0;
  #restartsSinceOpen = 0;
  /** A `disconnected` was reported and no `connected` since: repeated failures stay quiet. */
  #announcedDown = false;
  #restrictedUntil: number | null = null;
  /** The current socket offered pairing (a QR code): a pairing code may be asked on it. */
  #pairable: SocketLike | null = null;
  readonly #pairingWaiters = new Set<{ resolve: (s: SocketLike) => void; reject: (e: Error) => void }>();
  #closed = false;

  constructor(deps: BaileysSessionDeps) {
    this.#deps = deps;
  }

  get phase(): SessionPhase {
    return this.#phase;
  }

  /** The socket, when it is open. */
  get openSocket(): SocketLike | null {
    return this.#phase === 'open' ? this.#socket : null;
  }

  /** The session is linked to a phone; null before it was loaded. */
  get paired(): boolean | null {
    return this.#auth?.paired ?? null;
  }

  /** When the next reconnect attempt is due, while waiting for one. */
  get retryAt(): number | null {
    return this.#retryAt;
  }

  /** When WhatsApp's restriction on new chats ends, if it announced one (`reachoutTimeLock`). */
  get restrictedUntil(): number | null {
    return this.#restrictedUntil;
  }

  /** Builds a socket unless one is connecting or open; while waiting to reconnect, now. */
  async connect(): Promise<void> {
    if (this.#closed) throw new Error('this Baileys driver was closed; make a new one');
    if (this.#socket !== null) return;
    this.#cancelRetry();
    await this.#start();
  }

  /** The current socket once it offered pairing (within 30 s, else `sender.unavailable`). */
  pairableSocket(): Promise<SocketLike> {
    if (this.#pairable !== null && this.#pairable === this.#socket) return Promise.resolve(this.#pairable);
    const { clock } = this.#deps;
    return new Promise((resolve, reject) => {
      const cancel = clock.timer(clock.now() + PAIRING_WAIT_MS, () => {
        this.#pairingWaiters.delete(waiter);
        reject(new KurirError('sender.unavailable', 'WhatsApp did not offer pairing in time; try again'));
      });
      const waiter = {
        resolve: (socket: SocketLike) => {
          cancel();
          resolve(socket);
        },
        reject: (error: Error) => {
          cancel();
          reject(error);
        },
      };
      this.#pairingWaiters.add(waiter);
    });
  }

  /**
   * Unlinks the device on WhatsApp when connected, and forgets the session here in any case
   * (offline, the phone lists the device until WhatsApp expires it).
   */
  async logout(): Promise<void> {
    this.#cancelRetry();
    const socket = this.#socket;
    if (socket !== null && this.#phase === 'open') {
      try {
        await socket.logout();
      } catch (error) {
        this.#deps.log.warn(
          { err: error },
          'unlinking on WhatsApp failed; the session is forgotten here anyway',
        );
      }
    }
    // Baileys closes the socket with 401 after unlinking; whichever comes first wipes, once.
    if (this.#socket === socket && socket !== null) {
      this.#socket = null;
      void socket.end(undefined).catch(() => undefined);
    }
    await (this.#wiping ?? this.#wipe('logged out by Kurir'));
  }

  /** Ends the socket without unlinking and stops every timer; waits for pending writes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelRetry();
    for (const waiter of this.#pairingWaiters) waiter.reject(new Error('the driver was closed'));
    this.#pairingWaiters.clear();
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) await socket.end(undefined).catch(() => undefined);
    await this.#starting?.catch(() => undefined);
    await this.#wiping;
    await this.#auth?.flushed();
  }

  #start(): Promise<void> {
    this.#starting ??= this.#openSocket().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  async #openSocket(): Promise<void> {
    await this.#wiping;
    this.#auth ??= await SessionAuthState.load(this.#deps);
    if (this.#closed || this.#socket !== null) return;
    const auth = this.#auth;
    const { creds } = auth.state;
    if (!auth.paired && creds.me !== undefined) {
      // A pairing code asked for and never typed leaves `me` set, and Baileys would then try
      // to log in rather than offer pairing.
      creds.me = undefined;
      creds.pairingCode = undefined;
    }
    this.#phase = 'connecting';
    const socket = this.#deps.makeSocket({ ...this.#deps.socketOptions, auth: auth.state });
    this.#socket = socket;
    this.#pairable = null;
    this.#listen(socket, auth);
  }

  /**
   * Baileys calls these inside its synchronous `emit`; each only records and hands on, and
   * none may throw (a throw would cut short the other events of the same emit; see
   * `EventRelay`). `creds.update` saves even after the socket was replaced: it is still
   * this session's state.
   */
  #listen(socket: SocketLike, auth: SessionAuthState): void {
    const guard =
      <T>(what: string, handle: (arg: T) => void) =>
      (arg: T) => {
        try {
          handle(arg);
        } catch (error) {
          this.#deps.log.error({ err: error }, `handling Baileys' ${what} failed`);
        }
      };
    const current = () => socket === this.#socket;
    socket.ev.on(
      'creds.update',
      guard('creds.update', () => auth.saveCreds()),
    );
    socket.ev.on(
      'connection.update',
      guard('connection.update', (update: Partial<ConnectionState>) => {
        if (current()) this.#onConnection(socket, auth, update);
      }),
    );
    socket.ev.on(
      'messages.update',
      guard('messages.update', (updates) => {
        if (current()) this.#deps.onUpdates(updates);
      }),
    );
    socket.ev.on(
      'messages.upsert',
      guard('messages.upsert', ({ messages }) => {
        if (current()) this.#deps.onMessages(socket, messages);
      }),
    );
  }

  #onConnection(socket: SocketLike, auth: SessionAuthState, update: Partial<ConnectionState>): void {
    const lock = update.reachoutTimeLock;
    if (lock !== undefined) {
      const ends = lock.timeEnforcementEnds;
      this.#restrictedUntil = lock.isActive === true && ends !== undefined ? ends.getTime() : null;
    }
    if (typeof update.qr === 'string' && update.qr !== '') {
      this.#pairable = socket;
      for (const waiter of this.#pairingWaiters) waiter.resolve(socket);
      this.#pairingWaiters.clear();
      this.#deps.emit({ type: 'qr', qr: update.qr });
    }
    if (update.connection === 'open') {
      this.#phase = 'open';
      this.#attempt = 0;
      this.#restartsSinceOpen = 0;
      this.#announcedDown = false;
      this.#pairable = null;
      const user = socket.user;
      this.#deps.emit({ type: 'connected', phone: phoneOf(user?.id) ?? phoneOf(user?.phoneNumber) });
    } else if (update.connection === 'close') {
      this.#onClose(socket, auth, update.lastDisconnect?.error);
    }
  }

  #onClose(socket: SocketLike, auth: SessionAuthState, error: Error | undefined): void {
    const offeredPairing = this.#pairable === socket;
    this.#socket = null;
    this.#pairable = null;
    const status = statusOf(error);
    if (status === 515) this.#restartsSinceOpen++;
    const decision = decideOnClose(status, {
      paired: auth.paired,
      offeredPairing,
      restartsSinceOpen: this.#restartsSinceOpen,
    });
    this.#deps.log.info(
      { status, error: error?.message, action: decision.action },
      'WhatsApp connection closed',
    );
    switch (decision.action) {
      case 'logged_out':
        void this.#wipe(decision.reason);
        return;
      case 'banned':
        this.#phase = 'banned';
        this.#deps.emit({ type: 'banned', reason: decision.reason });
        return;
      case 'stop':
        this.#phase = 'stopped';
        this.#deps.emit({ type: 'disconnected', reason: decision.reason, willReconnect: false });
        return;
      case 'reconnect':
        if (decision.immediate) {
          this.#phase = 'connecting';
          queueMicrotask(() => this.#reconnect());
        } else {
          this.#announceDown(decision.reason);
          this.#scheduleReconnect();
        }
    }
  }

  #announceDown(reason: string): void {
    this.#phase = 'waiting';
    if (this.#announcedDown) return;
    this.#announcedDown = true;
    this.#deps.emit({ type: 'disconnected', reason, willReconnect: true });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry !== null) return;
    const { clock, random, backoff } = this.#deps;
    const at = clock.now() + reconnectDelayMs(this.#attempt++, backoff, random);
    this.#retryAt = at;
    this.#retry = clock.timer(at, () => {
      this.#retry = null;
      this.#retryAt = null;
      this.#reconnect();
    });
  }

  #reconnect(): void {
    if (this.#closed || this.#socket !== null || this.#phase === 'logged_out') return;
    this.#start().catch((error: unknown) => {
      this.#deps.log.error({ err: error }, 'reconnecting failed; trying again later');
      this.#announceDown('the session could not be loaded');
      this.#scheduleReconnect();
    });
  }

  #cancelRetry(): void {
    this.#retry?.();
    this.#retry = null;
    this.#retryAt = null;
  }

  /**
   * Forgets the session once (a logout from either side), then says so, so whoever reacts
   * to `logged_out` finds a clean slate. A failed clear is logged and reported the same way:
   * the session is dead on WhatsApp's side either way, and leftovers are refused with 401 on
   * the next connect, which wipes again.
   */
  #wipe(reason: string): Promise<void> {
    this.#wiping ??= (async () => {
      this.#phase = 'logged_out';
      this.#cancelRetry();
      const auth = this.#auth;
      this.#auth = null;
      try {
        await (auth === null ? this.#deps.session.clear() : auth.wipe());
      } catch (error) {
        this.#deps.log.error({ err: error }, 'clearing the logged-out session failed');
      }
      this.#announcedDown = false;
      this.#deps.emit({ type: 'logged_out', reason });
    })().finally(() => {
      this.#wiping = null;
    });
    return this.#wiping;
  }
}
