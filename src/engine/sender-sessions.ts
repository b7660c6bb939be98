import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { canSend, type Sender, type SenderConnection } from '../domain/sender.ts';
import type { Driver, DriverEvent } from '../drivers/driver.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';

/** Makes the driver for a sender. One implementation per deployment wires every kind. */
export interface DriverFactory {
  create(sender: Sender): Promise<Driver>;
}

/** A driver event that still has to be acknowledged once its effect is stored. */
export interface HandledEvent {
  senderId: string;
  workspaceId: string;
  event: DriverEvent;
}

/** What the engine does with a sender's message events; resolves once they are persisted. */
export type MessageEventHandler = (handled: HandledEvent) => Promise<void>;

export interface SenderSession {
  readonly driver: Driver;
  /** The sender as last stored (quotas, connection, pause). */
  sender: Sender;
  /** The QR code to scan while pairing, if the driver offered one. */
  latestQr: string | null;
  latestPairingCode: string | null;
  canSend(): boolean;
}

export interface SenderSessionsDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  factory: DriverFactory;
}

/** A sender's live session, with what keeps its status writes in order. */
interface SessionEntry {
  session: SenderSession;
  unsubscribe: () => void;
  /**
   * The end of the sender's chain of status work (connection events, `refresh`): each link
   * starts when the one before it settled. A driver hands over its next event before the
   * last one is stored, and on a PostgreSQL pool two UPDATEs sent 1 ms apart may commit in
   * either order: `qr` then `connected` could leave `pairing` stored for good. A chain per
   * sender rather than a version column in the UPDATE: it needs no migration, it also keeps
   * `session.sender` and the `sender.status` events in the driver's order, and status
   * events are few (receipts and inbound messages do not queue behind it).
   */
  statusWork: Promise<void>;
}

/**
 * Owns one live driver per sender: opens them at start-up, keeps each sender's stored
 * connection state in step with its driver's events, and hands message events (receipts,
 * inbound) to the engine. Listeners get told when a sender's ability to send changes.
 */
export class SenderSessions {
  readonly #deps: SenderSessionsDeps;
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #changeListeners = new Set<(sender: Sender) => void>();
  /** Workspaces whose stored senders all have a session here (or were tried). */
  readonly #adopted = new Map<string, Promise<void>>();
  #messageHandler: MessageEventHandler = async () => {};

  constructor(deps: SenderSessionsDeps) {
    this.#deps = deps;
  }

  /** Where receipts and inbound messages go. Set once, before `restoreAll`. */
  handleMessages(handler: MessageEventHandler): void {
    this.#messageHandler = handler;
  }

  onSenderChange(listener: (sender: Sender) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  get(senderId: string): SenderSession | undefined {
    return this.#sessions.get(senderId)?.session;
  }

  /**
   * Every stored sender gets its driver back (sessions survive restarts), not connected
   * yet: `connectAll` does that. Between the two, a driver's capabilities are known and it
   * reports nothing, so crash recovery can settle the rows left `sending` before any
   * receipt for them is stored.
   */
  async restoreAll(): Promise<void> {
    for (const sender of await this.#deps.store.senders.all()) {
      this.#adopted.set(sender.workspaceId, Promise.resolve());
      try {
        await this.#create(sender);
      } catch (error) {
        this.#deps.log.error({ err: error, senderId: sender.id }, 'could not restore sender session');
      }
    }
  }

  /** Connects the drivers `restoreAll` made, each unless it needs a person. */
  async connectAll(): Promise<void> {
    for (const [senderId, { session }] of [...this.#sessions]) {
      try {
        await this.#connect(session);
      } catch (error) {
        this.#deps.log.error({ err: error, senderId }, 'could not restore sender session');
      }
    }
  }

  /**
   * Opens the stored senders of a workspace that have no session in this process, once per
   * workspace. The server opens every sender at start-up and every one its API adds; what
   * it misses is a sender another process stored since: `kurir workspace create` writes to
   * the database directly and gives the new workspace its simulator sender. The API asks
   * on each workspace's first request, before the request can need the sender.
   */
  adoptWorkspace(workspaceId: string): Promise<void> {
    const known = this.#adopted.get(workspaceId);
    if (known !== undefined) return known;
    const adopting = (async () => {
      for (const sender of await this.#deps.store.senders.list(workspaceId)) {
        if (!this.#sessions.has(sender.id)) await this.#restore(sender);
      }
    })();
    this.#adopted.set(workspaceId, adopting);
    // A failed read is asked again by the next request rather than remembered.
    adopting.catch(() => this.#adopted.delete(workspaceId));
    return adopting;
  }

  /** Creates (or replaces) the driver of a sender and connects it unless it needs a person. */
  async open(sender: Sender): Promise<SenderSession> {
    const session = await this.#create(sender);
    await this.#connect(session);
    return session;
  }

  async close(senderId: string): Promise<void> {
    const entry = this.#sessions.get(senderId);
    if (entry === undefined) return;
    this.#sessions.delete(senderId);
    entry.unsubscribe();
    await entry.session.driver.close();
    // Status writes already handed over still land; nothing is written for it after this.
    await entry.statusWork;
  }

  /** Re-reads a sender after the API changed it (name, quotas, pause) and tells listeners. */
  async refresh(senderId: string): Promise<void> {
    const entry = this.#sessions.get(senderId);
    if (entry === undefined) return;
    // Behind any status write under way, so that what it reads is not overwritten by the
    // older connection that write's session object still holds.
    await this.#inOrder(entry, async () => {
      const sender = await this.#deps.store.senders.find(senderId);
      if (sender === null) return;
      entry.session.sender = sender;
      this.#notify(sender);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const id of [...this.#sessions.keys()]) await this.close(id);
  }

  /** Opens a stored sender; one that cannot open is logged and left for `open` to retry. */
  async #restore(sender: Sender): Promise<void> {
    try {
      await this.open(sender);
    } catch (error) {
      this.#deps.log.error({ err: error, senderId: sender.id }, 'could not restore sender session');
    }
  }

  async #create(sender: Sender): Promise<SenderSession> {
    await this.close(sender.id);
    const driver = await this.#deps.factory.create(sender);
    const session: SenderSession = {
      driver,
      sender,
      latestQr: null,
      latestPairingCode: null,
      canSend: () => canSend(session.sender),
    };
    const entry: SessionEntry = { session, unsubscribe: () => {}, statusWork: Promise.resolve() };
    entry.unsubscribe = driver.onEvent((event) => this.#onEvent(entry, event));
    this.#sessions.set(sender.id, entry);
    return session;
  }

  async #connect(session: SenderSession): Promise<void> {
    if (session.sender.connection !== 'banned') await session.driver.connect();
  }

  /**
   * Runs `work` once the sender's earlier status work settled. The returned promise carries
   * `work`'s own outcome (a failed write leaves its event unacknowledged, so it comes
   * again); the chain goes on either way, so one failed write does not stall the sender.
   */
  #inOrder(entry: SessionEntry, work: () => Promise<void>): Promise<void> {
    const done = entry.statusWork.then(work);
    entry.statusWork = done.catch(() => {});
    return done;
  }

  /** Resolves once the event's effect is stored: the driver acknowledges it then. */
  #onEvent(entry: SessionEntry, event: DriverEvent): Promise<void> {
    if (event.type === 'receipt' || event.type === 'inbound') {
      // A rejection leaves the event unacknowledged, so the driver delivers it again.
      const { sender } = entry.session;
      return this.#messageHandler({ senderId: sender.id, workspaceId: sender.workspaceId, event });
    }
    return this.#inOrder(entry, () => this.#onStatus(entry.session, event));
  }

  async #onStatus(
    session: SenderSession,
    event: Exclude<DriverEvent, { type: 'receipt' } | { type: 'inbound' }>,
  ): Promise<void> {
    const { sender } = session;
    const publish = (type: 'sender.qr' | 'sender.pairing_code', data: Record<string, unknown>) =>
      this.#deps.bus.publish({
        type,
        at: this.#deps.clock.now(),
        workspaceId: sender.workspaceId,
        senderId: sender.id,
        data,
      });
    switch (event.type) {
      case 'qr':
        publish('sender.qr', { qr: event.qr });
        session.latestQr = event.qr;
        return this.#setConnection(session, 'pairing', 'waiting for the QR code to be scanned', null);
      case 'pairing_code':
        publish('sender.pairing_code', { code: event.code });
        session.latestPairingCode = event.code;
        return;
      case 'connected':
        session.latestQr = null;
        session.latestPairingCode = null;
        return this.#setConnection(session, 'connected', null, event.phone);
      case 'disconnected':
        return this.#setConnection(session, 'disconnected', event.reason, null);
      case 'logged_out':
        return this.#setConnection(session, 'logged_out', event.reason, null);
      case 'banned':
        // A banned number is also paused: even if it comes back, a person decides.
        await this.#deps.store.senders.setPaused(
          sender.id,
          `banned: ${event.reason}`,
          this.#deps.clock.now(),
        );
        session.sender = { ...session.sender, pausedReason: `banned: ${event.reason}` };
        return this.#setConnection(session, 'banned', event.reason, null);
    }
  }

  async #setConnection(
    session: SenderSession,
    connection: SenderConnection,
    reason: string | null,
    phone: string | null,
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const { sender } = session;
    await this.#deps.store.senders.setConnection(sender.id, connection, reason, phone, now);
    session.sender = {
      ...sender,
      connection,
      connectionReason: reason,
      phone: phone ?? sender.phone,
      updatedAt: now,
    };
    this.#deps.log.info({ senderId: sender.id, connection, reason }, 'sender connection changed');
    this.#deps.bus.publish({
      type: 'sender.status',
      at: now,
      workspaceId: sender.workspaceId,
      senderId: sender.id,
      data: { connection, reason },
    });
    this.#notify(session.sender);
  }

  #notify(sender: Sender): void {
    for (const listener of this.#changeListeners) listener(sender);
  }
}
