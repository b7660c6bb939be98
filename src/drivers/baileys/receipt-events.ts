import type { WAMessageUpdate } from 'baileys';
import { WAMessageStatus } from 'baileys';
import type { DriverEvent, SendError } from '../driver.ts';
import { isPersonJid } from './phone-jid.ts';

/** WhatsApp's NACK for a message to a new chat while the account may not start new chats. */
const RESTRICTED_NACK = '463';
/** How long to hold off a restricted account when WhatsApp did not say until when. */
const RESTRICTED_RETRY_MS = 24 * 3_600_000;

type Receipt = Extract<DriverEvent, { type: 'receipt' }>;

export interface ReceiptContext {
  now: number;
  /** When the account's reach-out restriction ends, if WhatsApp said (`reachoutTimeLock`). */
  restrictedUntil: number | null;
}

/**
 * Receipts from Baileys' `messages.update` for messages this sender sent to one person.
 * They are matched by `key.id` alone — Kurir's part id, sent as the WhatsApp id — since the
 * chat may be named by a LID (`…@lid`) rather than the number the part went to. Group and
 * status receipts come as `message-receipt.update` and are not Kurir's. Updates without a
 * status (edits, reactions, polls) and the server's own ack are ignored.
 */
export function receiptEvents(updates: readonly WAMessageUpdate[], context: ReceiptContext): Receipt[] {
  const out: Receipt[] = [];
  for (const { key, update } of updates) {
    if (key.fromMe !== true || typeof key.id !== 'string' || key.id === '') continue;
    if (key.remoteJid !== undefined && key.remoteJid !== null && !isPersonJid(key.remoteJid)) continue;
    const at = instantOf(update.messageTimestamp, context.now);
    switch (update.status) {
      case WAMessageStatus.DELIVERY_ACK:
        out.push({ type: 'receipt', messageId: key.id, status: 'delivered', at });
        break;
      case WAMessageStatus.READ:
      case WAMessageStatus.PLAYED:
        out.push({ type: 'receipt', messageId: key.id, status: 'read', at });
        break;
      case WAMessageStatus.ERROR:
        out.push({
          type: 'receipt',
          messageId: key.id,
          status: 'failed',
          at: context.now,
          error: nackError(update.messageStubParameters, context),
        });
        break;
    }
  }
  return out;
}

/**
 * The error behind a NACK. 463: the account may not start new chats for now (WhatsApp's
 * reach-out timelock, or a missing privacy token with a new contact); Baileys does not
 * retry it, and neither should Kurir soon — every attempt counts as another reach-out.
 */
function nackError(parameters: unknown, context: ReceiptContext): SendError {
  const list = Array.isArray(parameters) ? parameters.map(String) : [];
  const code = list[0] ?? 'nack';
  if (code === RESTRICTED_NACK) {
    const until = context.restrictedUntil;
    return {
      kind: 'rate_limited',
      code,
      detail: 'WhatsApp refused a message to a new chat: the account may not start new chats for now',
      retryAfterMs: until !== null && until > context.now ? until - context.now : RESTRICTED_RETRY_MS,
    };
  }
  return {
    kind: 'permanent',
    code,
    detail: `WhatsApp refused the message${list.length > 1 ? `: ${list.slice(1).join('; ')}` : ''}`,
  };
}

/** Message and receipt times are WhatsApp's, in seconds (a number or a protobuf Long). */
export function instantOf(timestamp: unknown, fallback: number): number {
  const seconds = Number(timestamp ?? 0);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallback;
}
