import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { isE164 } from '../../domain/phone.ts';
import type { Random } from '../../domain/random.ts';
import type { SendResult } from '../driver.ts';
import { MessageDelivery } from './message-delivery.ts';
import { NetworkRecords } from './network-records.ts';
import type { NetworkSend } from './network-send.ts';
import {
  defaultFaults,
  defaultReceipts,
  drawMs,
  type FaultSettings,
  mergeFaults,
  mergeReceipts,
  type ReceiptSettings,
} from './network-settings.ts';
import { NetworkTimers } from './network-timers.ts';
import { NumberRegistry } from './number-registry.ts';
import { type ReplyRule, ReplyRules } from './reply-rules.ts';
import { type PairingMethod, SenderAccount, type SenderState } from './sender-account.ts';
import type { LogSubscription, SequencedEventListener } from './sender-event-log.ts';
import { SimulatorError } from './simulator-error.ts';

export interface SimulatorNetworkDeps {
  clock: Clock;
  random: Random;
  log?: Logger;
}

export interface SimulatorNetworkOptions {
  /** Recipients ignore a repeated message id from the same sender, as WhatsApp does. Default true. */
  dedup?: boolean;
  /** Senders created implicitly (by a driver connecting) pair themselves. Default false. */
  autoPair?: boolean;
  unregisteredFraction?: number;
  receipts?: Partial<ReceiptSettings>;
  faults?: Partial<FaultSettings>;
  /** Reply rules the network starts with, and gets back after a reset. */
  replies?: readonly ReplyRule[];
}

/**
 * A WhatsApp network in memory: numbers, sender sessions, delivery with receipts, scripted
 * replies and injectable faults, and a record of what every recipient got. Drivers reach it
 * through a `SimulatorLink` (in-process, or HTTP via `simulator-server.ts`); tests and demos
 * steer it through the methods below.
 */
export class SimulatorNetwork {
  readonly numbers = new NumberRegistry();
  readonly records = new NetworkRecords();
  readonly replies = new ReplyRules();
  readonly dedup: boolean;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #log: Logger | undefined;
  readonly #timers: NetworkTimers;
  readonly #options: SimulatorNetworkOptions;
  #accounts = new Map<string, SenderAccount>();
  readonly #delivery: MessageDelivery;
  #receipts: ReceiptSettings = defaultReceipts;
  #faults: FaultSettings = defaultFaults;

  constructor(deps: SimulatorNetworkDeps, options: SimulatorNetworkOptions = {}) {
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#log = deps.log?.child({ component: 'simulator' });
    this.#timers = new NetworkTimers(deps.clock);
    this.#options = options;
    this.dedup = options.dedup ?? true;
    this.#delivery = new MessageDelivery({
      clock: deps.clock,
      random: deps.random,
      timers: this.#timers,
      records: this.records,
      numbers: this.numbers,
      replies: this.replies,
      settings: () => ({ faults: this.#faults, receipts: this.#receipts }),
      dedup: this.dedup,
      log: this.#log,
    });
    this.#applyOptions();
  }

  // ── Senders ──────────────────────────────────────────────────────────────────────────

  /** Creates a sender account, or changes an existing one's settings. */
  createSender(phone: string, settings: { autoPair?: boolean } = {}): SenderState {
    if (!isE164(phone))
      throw new SimulatorError('simulator.invalid_phone', `${phone} is not an E.164 number`);
    const account = this.#ensure(phone);
    if (settings.autoPair !== undefined) account.autoPair = settings.autoPair;
    return account.state();
  }

  senderState(phone: string): SenderState | null {
    return this.#accounts.get(phone)?.state() ?? null;
  }

  senders(): SenderState[] {
    return [...this.#accounts.values()].map((a) => a.state());
  }

  /** The phone completes the pairing a driver started (scans the QR, types the code). */
  pair(phone: string): SenderState {
    const account = this.#account(phone);
    account.pair();
    return account.state();
  }

  /** The device is unlinked from the phone: the driver gets `logged_out`. */
  logout(phone: string, reason = 'unlinked_from_phone'): SenderState {
    const account = this.#account(phone);
    account.logout(reason);
    return account.state();
  }

  ban(phone: string, reason = 'banned_by_network'): SenderState {
    const account = this.#account(phone);
    account.ban(reason);
    this.#log?.info({ reason }, 'sender banned');
    return account.state();
  }

  /** The connection drops; it comes back after `reconnectAfterMs` (default: the fault setting). */
  disconnect(phone: string, reconnectAfterMs?: number): SenderState {
    const account = this.#account(phone);
    account.drop(reconnectAfterMs ?? drawMs(this.#random, this.#faults.reconnectAfterMs));
    return account.state();
  }

  // ── Settings ─────────────────────────────────────────────────────────────────────────

  get receiptSettings(): ReceiptSettings {
    return this.#receipts;
  }

  setReceipts(change: Partial<ReceiptSettings>): ReceiptSettings {
    this.#receipts = mergeReceipts(this.#receipts, change);
    return this.#receipts;
  }

  get faults(): FaultSettings {
    return this.#faults;
  }

  setFaults(change: Partial<FaultSettings>): FaultSettings {
    this.#faults = mergeFaults(this.#faults, change);
    return this.#faults;
  }

  addReplyRule(rule: ReplyRule): void {
    this.replies.add(rule);
  }

  // ── Inbound ──────────────────────────────────────────────────────────────────────────

  /** `from` writes to the sender `to`; its driver gets an `inbound` event. */
  receive(from: string, to: string, text: string, inReplyTo: string | null = null): string {
    if (!isE164(from)) throw new SimulatorError('simulator.invalid_phone', `${from} is not an E.164 number`);
    return this.#delivery.inbound(this.#account(to), from, text, inReplyTo, 'injected');
  }

  // ── What drivers call (through a SimulatorLink) ──────────────────────────────────────

  /** A driver starts or resumes the sender's session; outcome as events. */
  connect(sender: string, method: PairingMethod = 'qr'): void {
    this.#ensure(sender).connect(method);
  }

  /** The driver closed without unlinking. */
  detach(sender: string): void {
    this.#accounts.get(sender)?.detach();
  }

  /** Follows the sender's events from the first unacknowledged one. */
  subscribe(sender: string, listener: SequencedEventListener, onEnd?: () => void): LogSubscription {
    return this.#ensure(sender).events.subscribe(listener, onEnd);
  }

  /** Acknowledges the sender's events up to `seq` of log `log` (an old log's ack is ignored). */
  ack(sender: string, seq: number, log: string): void {
    this.#accounts.get(sender)?.events.ack(seq, log);
  }

  /**
   * Decides at once (the record is written now, so a caller that dies while waiting has
   * still sent), then answers after the latency fault, if any.
   */
  send(sender: string, part: NetworkSend): Promise<SendResult> {
    const result = this.#delivery.send(this.#accounts.get(sender), sender, part);
    const latency = this.#faults.latencyMs;
    if (latency === null) return Promise.resolve(result);
    return new Promise((resolve) => {
      this.#timers.after(drawMs(this.#random, latency), () => resolve(result), { settleOnClose: true });
    });
  }

  /** Which numbers have WhatsApp; empty while the sender is not connected (nothing checked). */
  checkNumbers(sender: string, phones: readonly string[]): Map<string, boolean> {
    if (this.#accounts.get(sender)?.status !== 'connected') return new Map();
    return new Map(phones.map((p) => [p, this.numbers.hasWhatsApp(p)]));
  }

  setTyping(sender: string, to: string, state: 'composing' | 'paused'): void {
    if (this.#accounts.get(sender)?.status !== 'connected') return;
    this.records.addPresence({ at: this.#clock.now(), sender, to, state });
  }

  /** The driver unlinks the session itself. */
  unlink(sender: string): void {
    this.#accounts.get(sender)?.logout('logout');
  }

  // ── Lifecycle ────────────────────────────────────────────────────────────────────────

  /** Forgets everything: senders, numbers, rules, records, pending receipts; settings as built. */
  reset(): void {
    this.#timers.clear();
    const accounts = [...this.#accounts.values()];
    this.#accounts.clear();
    for (const account of accounts) account.events.endAll();
    this.records.clear();
    this.numbers.clear();
    this.replies.clear();
    this.#delivery.clear();
    this.#applyOptions();
  }

  /** Cancels pending receipts and replies, settles pending answers and ends subscriptions. */
  async close(): Promise<void> {
    this.#timers.clear();
    for (const account of this.#accounts.values()) account.events.endAll();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────

  #applyOptions(): void {
    const o = this.#options;
    this.#receipts = mergeReceipts(defaultReceipts, o.receipts ?? {});
    this.#faults = mergeFaults(defaultFaults, o.faults ?? {});
    this.numbers.setUnregisteredFraction(o.unregisteredFraction ?? 0);
    for (const rule of o.replies ?? []) this.replies.add(rule);
  }

  #ensure(phone: string): SenderAccount {
    let account = this.#accounts.get(phone);
    if (account === undefined) {
      account = new SenderAccount(
        { random: this.#random, timers: this.#timers },
        phone,
        this.#options.autoPair ?? false,
      );
      this.#accounts.set(phone, account);
    }
    return account;
  }

  #account(phone: string): SenderAccount {
    const account = this.#accounts.get(phone);
    if (account === undefined) throw new SimulatorError('simulator.sender_not_found', `no sender ${phone}`);
    return account;
  }
}
