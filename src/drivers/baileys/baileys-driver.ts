import type { WAMessage } from 'baileys';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { KurirError } from '../../domain/errors.ts';
import type { Random } from '../../domain/random.ts';
import type {
  Driver,
  DriverCapabilities,
  DriverEvent,
  DriverEventListener,
  MessagePart,
  SendResult,
} from '../driver.ts';
import { DriverListeners } from '../driver-listeners.ts';
import type { SessionStore } from '../session-store.ts';
import { BaileysSession } from './baileys-session.ts';
import { EventRelay } from './event-relay.ts';
import { inboundEvent } from './inbound-event.ts';
import { MemoryCache } from './memory-cache.ts';
import { NumberDirectory } from './number-directory.ts';
import { PartSender } from './part-sender.ts';
import { digitsOf, jidOf, phoneOf } from './phone-jid.ts';
import { receiptEvents } from './receipt-events.ts';
import { RecentSends } from './recent-sends.ts';
import type { Backoff } from './reconnect-policy.ts';
import { type MakeSocket, makeBaileysSocket, type SocketLike } from './socket-like.ts';

export interface BaileysDriverOptions {
  clock: Clock;
  random: Random;
  log?: Logger;
  /** Where the session's credentials and keys live (the engine encrypts them at rest). */
  session: SessionStore;
  /** Builds a socket; defaults to Baileys' `makeWASocket`. Tests hand in a fake. */
  makeSocket?: MakeSocket;
  /** Reconnect backoff after a transient close (default 1 s doubling to 60 s, jittered). */
  reconnect?: Backoff;
  /** A send unanswered this long is reported as an uncertain timeout (default 60 s). */
  sendTimeoutMs?: number;
  /** First wait before a listener that failed gets its event again (default 1 s). */
  redeliverAfterMs?: number;
}

/** Retry counters must outlive a socket: a re-sent message counts against the same budget. */
const RETRY_COUNTER_TTL_MS = 3_600_000;

/**
 * The `Driver` for one WhatsApp number linked as a device through Baileys (WhatsApp Web's
 * multi-device protocol). `BaileysSession` keeps the link (sockets, reconnects, the saved
 * session), `PartSender` sends, and every event reaches listeners through `EventRelay`.
 * See README.md for the rules each follows.
 */
export class BaileysDriver implements Driver {
  readonly kind = 'baileys' as const;
  readonly capabilities: DriverCapabilities = { idempotentIds: true, maxPerSecond: null, typing: true };
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #listeners = new DriverListeners();
  readonly #relay: EventRelay;
  readonly #numbers = new NumberDirectory({ ttlMs: 86_400_000, maxEntries: 100_000 });
  readonly #recent = new RecentSends(2000);
  readonly #sender: PartSender;
  readonly #session: BaileysSession;
  #closed = false;

  constructor(options: BaileysDriverOptions) {
    const { clock, random, session } = options;
    this.#clock = clock;
    this.#log = options.log?.child({ component: 'baileys-driver' }) ?? pino({ level: 'silent' });
    const redeliverAfterMs = options.redeliverAfterMs ?? 1000;
    this.#relay = new EventRelay({
      clock,
      dispatch: (event) => this.#dispatch(event),
      retryAfterMs: redeliverAfterMs,
      maxRetryAfterMs: Math.max(redeliverAfterMs, 60_000),
      log: this.#log,
    });
    this.#sender = new PartSender({
      clock,
      numbers: this.#numbers,
      recent: this.#recent,
      timeoutMs: options.sendTimeoutMs ?? 60_000,
      log: this.#log,
    });
    this.#session = new BaileysSession({
      clock,
      random,
      session,
      log: this.#log,
      makeSocket: options.makeSocket ?? makeBaileysSocket,
      backoff: options.reconnect ?? { baseMs: 1000, maxMs: 60_000 },
      socketOptions: {
        // Baileys logs every frame at info and below; only its warnings reach Kurir's log.
        logger:
          options.log === undefined
            ? this.#log
            : options.log.child({ component: 'baileys' }, { level: atLeastWarn(options.log) }),
        markOnlineOnConnect: false,
        syncFullHistory: false,
        getMessage: async (key) => this.#recent.get(key.id),
        msgRetryCounterCache: new MemoryCache({ clock, ttlMs: RETRY_COUNTER_TTL_MS, maxEntries: 10_000 }),
        shouldIgnoreJid: isIgnoredJid,
      },
      emit: (event) => this.#relay.push([event]),
      onUpdates: (updates) =>
        this.#relay.push(
          receiptEvents(updates, { now: clock.now(), restrictedUntil: this.#session.restrictedUntil }),
        ),
      onMessages: (socket, messages) => this.#relay.push(this.#inbound(socket, messages)),
    });
  }

  connect(): Promise<void> {
    return this.#session.connect();
  }

  onEvent(listener: DriverEventListener): () => void {
    return this.#listeners.add(listener);
  }

  async send(part: MessagePart): Promise<SendResult> {
    const { phase, paired, openSocket, retryAt } = this.#session;
    if (this.#closed) return refuse('retryable', 'closed', 'the driver was closed');
    if (phase === 'banned') return refuse('banned', 'banned', 'WhatsApp refused the account');
    if (phase === 'logged_out' || paired === false) {
      return refuse('logged_out', 'not_paired', 'the session is not linked to a phone; pair it again');
    }
    if (openSocket === null) {
      const wait = retryAt === null ? {} : { retryAfterMs: Math.max(0, retryAt - this.#clock.now()) };
      return refuse('retryable', 'not_connected', 'the sender is not connected to WhatsApp', wait);
    }
    return this.#sender.send(openSocket, part);
  }

  async checkNumbers(phones: readonly string[]): Promise<Map<string, boolean>> {
    const socket = this.#session.openSocket;
    return socket === null ? new Map() : this.#sender.checkNumbers(socket, phones);
  }

  async setTyping(to: string, state: 'composing' | 'paused'): Promise<void> {
    const socket = this.#session.openSocket;
    if (socket === null) return;
    const jid = this.#numbers.lookup(to, this.#clock.now())?.jid ?? jidOf(to);
    try {
      if (state === 'composing') await socket.presenceSubscribe(jid);
      await socket.sendPresenceUpdate(state, jid);
    } catch (error) {
      // Typing is decoration: failing to show it must not fail the send that follows.
      this.#log.debug({ err: error }, 'typing could not be shown');
    }
  }

  async requestPairingCode(phone: string): Promise<string> {
    await this.#session.connect();
    if (this.#session.paired === true) {
      throw new KurirError('sender.unavailable', 'This sender is already paired; log it out to pair again');
    }
    const socket = await this.#session.pairableSocket();
    let code: string;
    try {
      code = await socket.requestPairingCode(digitsOf(phone));
    } catch (error) {
      throw new KurirError('sender.unavailable', 'WhatsApp did not take the pairing request; try again', {
        cause: error,
      });
    }
    this.#relay.push([{ type: 'pairing_code', code }]);
    return code;
  }

  logout(): Promise<void> {
    return this.#session.logout();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay.stop();
    await this.#session.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #inbound(socket: SocketLike, messages: readonly WAMessage[]): Promise<DriverEvent[]> {
    const resolveLid = async (lid: string) => {
      const phone = phoneOf(await socket.signalRepository?.lidMapping.getPNForLID(lid));
      if (phone === null) this.#log.warn({ lid }, 'an inbound message from an unknown LID is skipped');
      return phone;
    };
    const events: DriverEvent[] = [];
    for (const message of messages) {
      const event = await inboundEvent(message, resolveLid, this.#clock.now());
      if (event !== null) events.push({ ...event, from: this.#numbers.knownAs(event.from) });
    }
    return events;
  }

  async #dispatch(event: DriverEvent): Promise<void> {
    await this.#listeners.dispatch([event]);
  }
}

/**
 * Status updates and newsletters are never decrypted: every contact's status would cost a
 * decryption and sender-key writes, for nothing Kurir uses (Evolution API ignores the same
 * by default). Groups are not ignored here: Baileys answers each ignored message with an
 * error ack (rc14), traffic a real WhatsApp Web would not send for every group message; they
 * are decrypted and then skipped as inbound.
 */
function isIgnoredJid(jid: string): boolean {
  return /@(broadcast|newsletter)$/.test(jid);
}

function refuse(
  kind: 'retryable' | 'logged_out' | 'banned',
  code: string,
  detail: string,
  extra: { retryAfterMs?: number } = {},
): SendResult {
  return { ok: false, error: { kind, code, detail, ...extra } };
}

/** Baileys' own level: Kurir's, but never chattier than warnings. */
function atLeastWarn(log: Logger): string {
  return (log.levels.values[log.level] ?? 0) >= (log.levels.values.warn ?? 40) ? log.level : 'warn';
}
