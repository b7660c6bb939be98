import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type {
  Driver,
  DriverCapabilities,
  DriverEvent,
  DriverEventListener,
  MessagePart,
  SendResult,
} from '../driver.ts';
import { DriverListeners } from '../driver-listeners.ts';
import { EventDelivery } from './event-delivery.ts';
import type { PairingMethod } from './sender-account.ts';
import type { SimulatorLink } from './simulator-link.ts';

export interface SimulatorDriverOptions {
  link: SimulatorLink;
  clock: Clock;
  log?: Logger;
  /** The sender's own number, E.164. */
  sender: string;
  /**
   * Send Kurir's part id as the WhatsApp id (default true). False models a driver without
   * custom ids: the network makes up an id per send, so a re-send is a new message.
   */
  idempotentIds?: boolean;
  /** Refuse (`rate_limited`) beyond this many sends per second; default null: no limit. */
  maxPerSecond?: number | null;
  /** Ask to pair by QR code (default) or by a code typed on the phone. */
  pairWith?: PairingMethod;
  /** After a listener failed or the event stream was lost, follow again after this long. */
  retryAfterMs?: number;
}

type SessionView = 'new' | 'pairing' | 'connected' | 'disconnected' | 'logged_out' | 'banned';

/**
 * The `Driver` for one sender on a `SimulatorNetwork`, in-process or remote, depending on the
 * link it is given. Events are acknowledged to the network only after every listener's
 * promise resolved (see `EventDelivery`), so the engine should resolve once an event's
 * effect is persisted; unacknowledged events come again to the next driver of the sender.
 */
export class SimulatorDriver implements Driver {
  readonly kind = 'simulator' as const;
  readonly capabilities: DriverCapabilities;
  readonly #link: SimulatorLink;
  readonly #clock: Clock;
  readonly #sender: string;
  readonly #pairWith: PairingMethod;
  readonly #delivery: EventDelivery;
  readonly #listeners = new DriverListeners();
  #session: SessionView = 'new';
  #closed = false;
  /** Instants of sends in the last second, for `maxPerSecond`. */
  #recentSends: number[] = [];

  constructor(options: SimulatorDriverOptions) {
    this.#link = options.link;
    this.#clock = options.clock;
    this.#sender = options.sender;
    this.#pairWith = options.pairWith ?? 'qr';
    this.capabilities = {
      idempotentIds: options.idempotentIds ?? true,
      maxPerSecond: options.maxPerSecond ?? null,
      typing: true,
    };
    const log = options.log?.child({ component: 'simulator-driver' });
    this.#delivery = new EventDelivery({
      link: options.link,
      clock: options.clock,
      sender: options.sender,
      dispatch: (event) => this.#dispatch(event),
      retryAfterMs: options.retryAfterMs ?? 1000,
      log,
    });
  }

  async connect(): Promise<void> {
    if (this.#closed) throw new Error('this driver was closed; make a new one');
    if (this.#session === 'connected') return;
    // Follow first: whatever connect appends is then certain to reach this driver (it would
    // anyway, being unacknowledged, but in order behind older events).
    this.#delivery.start();
    await this.#link.connect(this.#sender, this.#pairWith);
  }

  onEvent(listener: DriverEventListener): () => void {
    return this.#listeners.add(listener);
  }

  async send(part: MessagePart): Promise<SendResult> {
    const limited = this.#rateLimit();
    if (limited !== null) return limited;
    return this.#link.send(this.#sender, {
      ...(this.capabilities.idempotentIds ? { id: part.id } : {}),
      ref: part.id,
      ...(part.partOf === undefined ? {} : { partOf: part.partOf }),
      to: part.to,
      type: part.type,
      ...(part.text === undefined ? {} : { text: part.text }),
      ...(part.media === undefined ? {} : { media: part.media }),
    });
  }

  checkNumbers(phones: readonly string[]): Promise<Map<string, boolean>> {
    return this.#link.checkNumbers(this.#sender, phones);
  }

  setTyping(to: string, state: 'composing' | 'paused'): Promise<void> {
    return this.#link.setTyping(this.#sender, to, state);
  }

  logout(): Promise<void> {
    return this.#link.logout(this.#sender);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#delivery.stop();
    await this.#link.detach(this.#sender);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #dispatch(event: DriverEvent): Promise<void> {
    this.#track(event);
    await this.#listeners.dispatch([event]);
  }

  #track(event: DriverEvent): void {
    if (event.type === 'qr' || event.type === 'pairing_code') this.#session = 'pairing';
    else if (event.type === 'connected') this.#session = 'connected';
    else if (event.type === 'disconnected') this.#session = 'disconnected';
    else if (event.type === 'logged_out') this.#session = 'logged_out';
    else if (event.type === 'banned') this.#session = 'banned';
  }

  /** The driver's own throughput limit: a sliding one-second window. */
  #rateLimit(): SendResult | null {
    const max = this.capabilities.maxPerSecond;
    if (max === null) return null;
    const now = this.#clock.now();
    this.#recentSends = this.#recentSends.filter((at) => at > now - 1000);
    const oldest = this.#recentSends[0];
    if (this.#recentSends.length >= max && oldest !== undefined) {
      const retryAfterMs = oldest + 1000 - now;
      return {
        ok: false,
        error: {
          kind: 'rate_limited',
          code: 'driver_rate',
          detail: `over ${max} sends per second`,
          retryAfterMs,
        },
      };
    }
    this.#recentSends.push(now);
    return null;
  }
}
