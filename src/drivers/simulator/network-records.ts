import type { PartType, SendErrorKind } from '../driver.ts';

/** One send the network was handed, whatever became of it. */
export interface SendAttempt {
  at: number;
  sender: string;
  to: string;
  /** The WhatsApp id of the message (the sender's custom id, or one the network gave it). */
  messageId: string;
  /** The sender's own reference for the part (Kurir's part id), reported back in receipts. */
  ref: string;
  type: PartType;
  text: string | null;
  mediaUrl: string | null;
  outcome: 'accepted' | 'refused';
  /** Accepted and reached the recipient now; false for refusals and deduplicated repeats. */
  delivered: boolean;
  error: { kind: SendErrorKind; code: string } | null;
}

/** One message as the recipient's phone shows it. */
export interface ReceivedMessage {
  at: number;
  from: string;
  messageId: string;
  ref: string;
  type: PartType;
  text: string | null;
  mediaUrl: string | null;
}

/** A message to a sender: a scripted reply or an injected one. */
export interface InboundRecord {
  at: number;
  id: string;
  from: string;
  to: string;
  text: string;
  inReplyTo: string | null;
  source: 'reply' | 'injected';
}

export interface PresenceRecord {
  at: number;
  sender: string;
  to: string;
  state: 'composing' | 'paused';
}

export interface RecordCounts {
  attempts: number;
  accepted: number;
  refused: number;
  /** Messages recipients hold (deduplicated). */
  received: number;
  /** Accepted repeats that were not delivered again. */
  duplicates: number;
  inbound: number;
  refusedBy: Partial<Record<SendErrorKind, number>>;
}

/**
 * What happened on the network, in order: the ground truth a test compares Kurir's rows
 * with. `attempts` is everything senders handed over; `received` is what each recipient
 * actually holds, which is what "sent exactly once" is about.
 */
export class NetworkRecords {
  #attempts: SendAttempt[] = [];
  #received = new Map<string, ReceivedMessage[]>();
  #inbound: InboundRecord[] = [];
  #presence: PresenceRecord[] = [];

  addAttempt(attempt: SendAttempt): void {
    this.#attempts.push(attempt);
  }

  addReceived(to: string, message: ReceivedMessage): void {
    const list = this.#received.get(to) ?? [];
    list.push(message);
    this.#received.set(to, list);
  }

  addInbound(record: InboundRecord): void {
    this.#inbound.push(record);
  }

  addPresence(record: PresenceRecord): void {
    this.#presence.push(record);
  }

  /** Every attempt in order, optionally only one sender's. */
  attempts(sender?: string): SendAttempt[] {
    return this.#attempts.filter((a) => sender === undefined || a.sender === sender);
  }

  /** What one recipient holds, in arrival order. */
  receivedBy(to: string): ReceivedMessage[] {
    return [...(this.#received.get(to) ?? [])];
  }

  /** What every recipient holds, grouped by recipient in order of first arrival. */
  received(): Map<string, ReceivedMessage[]> {
    return new Map([...this.#received].map(([to, list]) => [to, [...list]]));
  }

  inbound(): InboundRecord[] {
    return [...this.#inbound];
  }

  presence(sender?: string): PresenceRecord[] {
    return this.#presence.filter((p) => sender === undefined || p.sender === sender);
  }

  counts(): RecordCounts {
    const refusedBy: RecordCounts['refusedBy'] = {};
    let accepted = 0;
    let duplicates = 0;
    for (const a of this.#attempts) {
      if (a.error !== null) refusedBy[a.error.kind] = (refusedBy[a.error.kind] ?? 0) + 1;
      if (a.outcome === 'accepted') {
        accepted += 1;
        if (!a.delivered) duplicates += 1;
      }
    }
    let received = 0;
    for (const list of this.#received.values()) received += list.length;
    return {
      attempts: this.#attempts.length,
      accepted,
      refused: this.#attempts.length - accepted,
      received,
      duplicates,
      inbound: this.#inbound.length,
      refusedBy,
    };
  }

  clear(): void {
    this.#attempts = [];
    this.#received.clear();
    this.#inbound = [];
    this.#presence = [];
  }
}
