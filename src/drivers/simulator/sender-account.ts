import type { CancelTimer } from '../../domain/clock.ts';
import type { Random } from '../../domain/random.ts';
import type { SenderConnection } from '../../domain/sender.ts';
import type { SendError } from '../driver.ts';
import type { NetworkTimers } from './network-timers.ts';
import { SenderEventLog } from './sender-event-log.ts';
import { SimulatorError } from './simulator-error.ts';

/** How a driver asks to be paired: a QR code to scan, or a code to type on the phone. */
export type PairingMethod = 'qr' | 'code';

export interface SenderState {
  phone: string;
  status: SenderConnection;
  /** Linked to the phone; survives driver restarts, lost by logout and ban. */
  paired: boolean;
  /** Pairs itself as soon as a driver asks (demo mode). */
  autoPair: boolean;
  /** A driver holds the session now. */
  attached: boolean;
  /** While a pairing attempt is under way: what the phone would scan, or type. */
  qr: string | null;
  pairingCode: string | null;
  /** Events no driver has acknowledged yet. */
  pendingEvents: number;
}

export interface SenderAccountDeps {
  random: Random;
  timers: NetworkTimers;
}

/**
 * One sender's account and session on the network:
 * `pairing → connected → disconnected | logged_out | banned`. Every change is appended to the
 * sender's event log, which is how drivers hear about it.
 */
export class SenderAccount {
  readonly phone: string;
  readonly events: SenderEventLog;
  autoPair: boolean;
  readonly #deps: SenderAccountDeps;
  #status: SenderConnection = 'pairing';
  #paired = false;
  #attached = false;
  #qr: string | null = null;
  #pairingCode: string | null = null;
  #reconnect: CancelTimer | null = null;
  /** Instants of recent accepted sends, oldest first, for the ban threshold. */
  #acceptedAt: number[] = [];

  constructor(deps: SenderAccountDeps, phone: string, autoPair: boolean) {
    this.#deps = deps;
    this.phone = phone;
    this.events = new SenderEventLog(Buffer.from(deps.random.bytes(6)).toString('hex'));
    this.autoPair = autoPair;
  }

  get status(): SenderConnection {
    return this.#status;
  }

  state(): SenderState {
    return {
      phone: this.phone,
      status: this.#status,
      paired: this.#paired,
      autoPair: this.autoPair,
      attached: this.#attached,
      qr: this.#qr,
      pairingCode: this.#pairingCode,
      pendingEvents: this.events.pending,
    };
  }

  /** A driver starts or resumes the session; the outcome is appended as events. */
  connect(method: PairingMethod): void {
    this.#attached = true;
    if (this.#status === 'banned') {
      this.events.append({ type: 'banned', reason: 'account_banned' });
    } else if (this.#paired) {
      this.#cancelReconnect();
      this.#status = 'connected';
      this.events.append({ type: 'connected', phone: this.phone });
    } else {
      this.#status = 'pairing';
      const hex = Buffer.from(this.#deps.random.bytes(12)).toString('hex').toUpperCase();
      this.#qr = `SIMULATOR-QR:${this.phone}:${hex}`;
      this.#pairingCode = `${hex.slice(0, 4)}-${hex.slice(4, 8)}`;
      this.events.append(
        method === 'qr' ? { type: 'qr', qr: this.#qr } : { type: 'pairing_code', code: this.#pairingCode },
      );
      if (this.autoPair) this.pair();
    }
  }

  /** The phone scans the QR code (or types the code): pairing completes. */
  pair(): void {
    if (this.#status === 'banned')
      throw new SimulatorError('simulator.sender_banned', `${this.phone} is banned`);
    if (this.#status !== 'pairing' || this.#qr === null)
      throw new SimulatorError(
        'simulator.not_pairing',
        `${this.phone} has no pairing under way: a driver must connect first`,
      );
    this.#paired = true;
    this.#qr = null;
    this.#pairingCode = null;
    this.#status = 'connected';
    this.events.append({ type: 'connected', phone: this.phone });
  }

  /** The device is unlinked (by the driver or from the phone); only a new pairing helps. */
  logout(reason: string): void {
    if (this.#status === 'banned') return;
    this.#cancelReconnect();
    this.#paired = false;
    this.#qr = null;
    this.#pairingCode = null;
    this.#status = 'logged_out';
    this.events.append({ type: 'logged_out', reason });
  }

  ban(reason: string): void {
    if (this.#status === 'banned') return;
    this.#cancelReconnect();
    this.#paired = false;
    this.#qr = null;
    this.#pairingCode = null;
    this.#status = 'banned';
    this.events.append({ type: 'banned', reason });
  }

  /** The connection drops and comes back by itself after `afterMs` (if a driver still holds it). */
  drop(afterMs: number): void {
    if (this.#status !== 'connected') return;
    this.#status = 'disconnected';
    this.events.append({ type: 'disconnected', reason: 'connection_lost', willReconnect: true });
    this.#cancelReconnect();
    this.#reconnect = this.#deps.timers.after(afterMs, () => {
      this.#reconnect = null;
      if (this.#status !== 'disconnected' || !this.#attached) return;
      this.#status = 'connected';
      this.events.append({ type: 'connected', phone: this.phone });
    });
  }

  /**
   * The driver closed without unlinking: the session stays paired but is offline. No event,
   * because nobody is listening; the next driver to connect gets `connected`.
   */
  detach(): void {
    this.#attached = false;
    this.#cancelReconnect();
    if (this.#status === 'connected') this.#status = 'disconnected';
    this.#qr = null;
    this.#pairingCode = null;
  }

  /** Why a send from this sender would be refused now, or null when it may send. */
  refusal(): SendError | null {
    if (this.#status === 'banned') return { kind: 'banned', code: 'banned', detail: 'the sender is banned' };
    if (!this.#paired) {
      const code = this.#status === 'logged_out' ? 'logged_out' : 'not_paired';
      return { kind: 'logged_out', code, detail: 'the sender is not paired with a phone' };
    }
    if (this.#status !== 'connected')
      return { kind: 'retryable', code: 'disconnected', detail: 'the sender is not connected' };
    return null;
  }

  /** Accepted sends within `windowMs` before `now`. */
  acceptedWithin(now: number, windowMs: number): number {
    while (this.#acceptedAt.length > 0 && (this.#acceptedAt[0] ?? 0) <= now - windowMs)
      this.#acceptedAt.shift();
    return this.#acceptedAt.length;
  }

  noteAccepted(now: number): void {
    this.#acceptedAt.push(now);
  }

  #cancelReconnect(): void {
    this.#reconnect?.();
    this.#reconnect = null;
  }
}
