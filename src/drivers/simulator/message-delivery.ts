import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { Random } from '../../domain/random.ts';
import type { SendError, SendResult } from '../driver.ts';
import type { NetworkRecords, SendAttempt } from './network-records.ts';
import { malformed, type NetworkSend } from './network-send.ts';
import { drawMs, type FaultSettings, type ReceiptSettings } from './network-settings.ts';
import type { NetworkTimers } from './network-timers.ts';
import type { NumberRegistry } from './number-registry.ts';
import type { ReplyRules } from './reply-rules.ts';
import type { SenderAccount } from './sender-account.ts';

export interface MessageDeliveryDeps {
  clock: Clock;
  random: Random;
  timers: NetworkTimers;
  records: NetworkRecords;
  numbers: NumberRegistry;
  replies: ReplyRules;
  /** The settings in force now; read on every send so runtime changes apply at once. */
  settings: () => { faults: FaultSettings; receipts: ReceiptSettings };
  dedup: boolean;
  log?: Logger | undefined;
}

/**
 * The network's answer to one part: refuse it with a classified error, or accept it, put it
 * in the recipient's record (unless the recipient already has this id), and schedule its
 * receipts and any scripted reply. Every attempt is recorded either way.
 */
export class MessageDelivery {
  readonly #deps: MessageDeliveryDeps;
  /** `sender to id` of every message delivered, for deduplication. */
  #delivered = new Set<string>();
  /** `sender to message` of every message a recipient answered: one reply per message. */
  #answered = new Set<string>();

  constructor(deps: MessageDeliveryDeps) {
    this.#deps = deps;
  }

  send(account: SenderAccount | undefined, sender: string, part: NetworkSend): SendResult {
    const { clock, random, records, numbers } = this.#deps;
    const { faults } = this.#deps.settings();
    const now = clock.now();
    const messageId = part.id ?? `SIM${hex(random, 10)}`;
    const attempt: SendAttempt = {
      at: now,
      sender,
      to: part.to,
      messageId,
      ref: part.ref,
      type: part.type,
      text: part.text ?? null,
      mediaUrl: part.media?.url ?? null,
      outcome: 'refused',
      delivered: false,
      error: null,
    };
    const refuse = (error: SendError): SendResult => {
      records.addAttempt({ ...attempt, error: { kind: error.kind, code: error.code } });
      this.#deps.log?.debug({ messageId, kind: error.kind, code: error.code }, 'send refused');
      return { ok: false, error };
    };
    if (account === undefined)
      return refuse({ kind: 'logged_out', code: 'unknown_sender', detail: 'no such sender account' });
    const refusal = account.refusal() ?? malformed(part);
    if (refusal !== null) return refuse(refusal);
    if (faults.failureRate > 0 && random.next() < faults.failureRate)
      return refuse({ kind: 'retryable', code: 'network_failure', detail: 'injected failure' });
    const status = numbers.status(part.to);
    if (status === 'invalid')
      return refuse({
        kind: 'invalid_recipient',
        code: 'invalid_recipient',
        detail: 'the recipient refuses it',
      });
    if (status === 'unregistered')
      return refuse({
        kind: 'not_on_whatsapp',
        code: 'not_on_whatsapp',
        detail: 'the number has no WhatsApp',
      });
    const ban = faults.banThreshold;
    if (ban !== null) {
      // Counting starts when a threshold is set; the send that would exceed it is refused.
      if (account.acceptedWithin(now, ban.windowMs) >= ban.maxSends) {
        account.ban('rate_exceeded');
        this.#deps.log?.info({ messageId }, 'sender banned for sending too fast');
        return refuse({
          kind: 'banned',
          code: 'rate_exceeded',
          detail: 'the sender sent too fast and was banned',
        });
      }
      account.noteAccepted(now);
    }
    // WhatsApp keys a message by chat and id: the same id from another sender is another message.
    const key = `${sender} ${part.to} ${messageId}`;
    const firstDelivery = !this.#deps.dedup || !this.#delivered.has(key);
    this.#delivered.add(key);
    records.addAttempt({ ...attempt, outcome: 'accepted', delivered: firstDelivery });
    if (firstDelivery) {
      const { type, text, mediaUrl, ref } = attempt;
      records.addReceived(part.to, { at: now, from: sender, messageId, ref, type, text, mediaUrl });
    }
    this.#scheduleReceipts(account, part, firstDelivery);
    return { ok: true, providerId: messageId };
  }

  /** `from` writes to the account's number; the driver gets an `inbound` event. */
  inbound(
    account: SenderAccount,
    from: string,
    text: string,
    inReplyTo: string | null,
    source: 'reply' | 'injected',
  ): string {
    const at = this.#deps.clock.now();
    const id = `SIMIN${hex(this.#deps.random, 10)}`;
    this.#deps.records.addInbound({ at, id, from, to: account.phone, text, inReplyTo, source });
    account.events.append({
      type: 'inbound',
      id,
      from,
      text,
      at,
      ...(inReplyTo === null ? {} : { inReplyTo }),
    });
    return id;
  }

  clear(): void {
    this.#delivered.clear();
    this.#answered.clear();
  }

  /**
   * `delivered` then `read` for every accepted part, repeats included (after a crash the
   * engine may be waiting on them); a scripted reply only for a first delivery.
   */
  #scheduleReceipts(account: SenderAccount, part: NetworkSend, firstDelivery: boolean): void {
    const { clock, random, timers } = this.#deps;
    const { receipts } = this.#deps.settings();
    timers.after(drawMs(random, receipts.deliveredAfterMs), () => {
      account.events.append({ type: 'receipt', messageId: part.ref, status: 'delivered', at: clock.now() });
      if (receipts.readAfterMs !== null) {
        timers.after(drawMs(random, receipts.readAfterMs), () => {
          account.events.append({ type: 'receipt', messageId: part.ref, status: 'read', at: clock.now() });
        });
      }
      const reply = firstDelivery ? this.#answer(account.phone, part) : null;
      if (reply !== null)
        timers.after(reply.afterMs, () => this.inbound(account, part.to, reply.text, part.ref, 'reply'));
    });
  }

  /**
   * A person answers a message once, though it came in parts (a text, then an image): the
   * first part delivered that a rule matches gets the reply, and no other part of that
   * message does. A repeat of an answered message (delivered again without dedup) is not
   * answered again.
   */
  #answer(sender: string, part: NetworkSend): { text: string; afterMs: number } | null {
    const key = `${sender} ${part.to} ${part.partOf ?? part.ref}`;
    if (this.#answered.has(key)) return null;
    const reply = this.#deps.replies.answer(sender, part.to, part.text ?? '', this.#deps.random);
    if (reply !== null) this.#answered.add(key);
    return reply;
  }
}

function hex(random: Random, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString('hex').toUpperCase();
}
