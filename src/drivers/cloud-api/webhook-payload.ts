import type { DriverEvent, ReceiptStatus, SendError } from '../driver.ts';
import { classifyGraphError, type GraphError, readGraphError } from './graph-error.ts';

export interface WebhookContents {
  /** Receipts and inbound messages, in the payload's order. */
  events: DriverEvent[];
  /** Errors Meta reported for the phone number itself (`value.errors`), not for a message. */
  errors: GraphError[];
}

type Json = Record<string, unknown>;

const receiptOf: Partial<Record<string, ReceiptStatus>> = {
  delivered: 'delivered',
  read: 'read',
  // A voice message listened to has been read.
  played: 'read',
  failed: 'failed',
};

/**
 * Reads a `whatsapp_business_account` delivery: the `messages` changes addressed to
 * `phoneNumberId` (an app's webhook gets every number of every account subscribed to it).
 *
 * Statuses become receipts named by `biz_opaque_callback_data`, the part id the driver sent;
 * statuses without it are of messages not sent by Kurir and are skipped, as is `sent` (the
 * send's own answer said as much). Statuses come out of order and more than once: they are
 * passed on as they come, and the engine keeps the furthest state (see `DriverEvent`).
 */
export function readWebhook(payload: unknown, phoneNumberId: string, now: number): WebhookContents {
  const contents: WebhookContents = { events: [], errors: [] };
  if (!isJson(payload) || payload.object !== 'whatsapp_business_account') return contents;
  for (const entry of list(payload.entry)) {
    for (const change of list(entry.changes)) {
      const value = change.value;
      if (change.field !== 'messages' || !isJson(value)) continue;
      const metadata = isJson(value.metadata) ? value.metadata : {};
      if (metadata.phone_number_id !== phoneNumberId) continue;
      for (const status of list(value.statuses)) {
        const receipt = readStatus(status, now);
        if (receipt !== null) contents.events.push(receipt);
      }
      for (const message of list(value.messages)) {
        const inbound = readMessage(message, now);
        if (inbound !== null) contents.events.push(inbound);
      }
      for (const error of list(value.errors)) {
        const graphError = readGraphError(error);
        if (graphError !== null) contents.errors.push(graphError);
      }
    }
  }
  return contents;
}

function readStatus(status: Json, now: number): DriverEvent | null {
  const messageId = status.biz_opaque_callback_data;
  const receipt = typeof status.status === 'string' ? receiptOf[status.status] : undefined;
  if (typeof messageId !== 'string' || messageId === '' || receipt === undefined) return null;
  const at = instant(status.timestamp, now);
  if (receipt !== 'failed') return { type: 'receipt', messageId, status: receipt, at };
  const first = readGraphError(list(status.errors)[0]);
  const error: SendError =
    first === null
      ? { kind: 'permanent', code: 'unknown', detail: 'Meta reported the message failed without a reason' }
      : classifyGraphError(first);
  return { type: 'receipt', messageId, status: 'failed', at, error };
}

function readMessage(message: Json, now: number): DriverEvent | null {
  const { from, id, type } = message;
  // `system` messages announce a changed number, not something the contact wrote.
  if (typeof from !== 'string' || !/^\d{7,15}$/.test(from) || typeof id !== 'string' || type === 'system') {
    return null;
  }
  const context = isJson(message.context) ? message.context : {};
  return {
    type: 'inbound',
    id,
    from: `+${from}`,
    text: textOf(message),
    at: instant(message.timestamp, now),
    ...(typeof context.id === 'string' ? { inReplyTo: context.id } : {}),
  };
}

/** What the contact wrote: the text, a caption, the title of a tapped button, a reaction. */
function textOf(message: Json): string {
  const part = (key: string): Json => (isJson(message[key]) ? message[key] : {});
  const interactive = part('interactive');
  const candidates = [
    part('text').body,
    part(String(message.type)).caption,
    part('button').text,
    isJson(interactive.button_reply) ? interactive.button_reply.title : undefined,
    isJson(interactive.list_reply) ? interactive.list_reply.title : undefined,
    part('reaction').emoji,
  ];
  const found = candidates.find((c): c is string => typeof c === 'string');
  return found ?? '';
}

/** Meta's timestamps are epoch seconds as text. */
function instant(timestamp: unknown, now: number): number {
  const seconds =
    typeof timestamp === 'string' || typeof timestamp === 'number' ? Number(timestamp) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : now;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}
