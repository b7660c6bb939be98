/**
 * The narrow port between Kurir and a WhatsApp network. One driver instance serves one
 * sender (one WhatsApp number and its session). Implementations: `simulator/`, later
 * `baileys/` and `cloud-api/`. The engine relies on exactly what is documented here; a
 * shared contract suite (test/contract/driver.contract.ts) holds every driver to it.
 */

import type { SenderDriverKind } from '../domain/sender.ts';

export type DriverKind = SenderDriverKind;

/** What can go wrong with one send, classified so the engine knows what to do next. */
export const sendErrorKinds = [
  /** Transient (timeout, network, 5xx): retry later with backoff. */
  'retryable',
  /** The network asks us to slow down: retry after `retryAfterMs`, slow the sender. */
  'rate_limited',
  /** The recipient cannot get this message (bad number, blocked): do not retry. */
  'invalid_recipient',
  /** The number has no WhatsApp account: skip the recipient. */
  'not_on_whatsapp',
  /** The recipient opted out of this business's messages (Meta's 131050): skip and suppress them. */
  'opted_out',
  /** The sender's number is banned: stop using this sender. */
  'banned',
  /** The sender's session is gone (unpaired): re-pair before it can send again. */
  'logged_out',
  /** Anything else the driver knows will fail again (bad media, bad request). */
  'permanent',
] as const;
export type SendErrorKind = (typeof sendErrorKinds)[number];

export interface SendError {
  kind: SendErrorKind;
  /** The driver's own code (`131026`, `463`, `timeout`…) for the row and the logs. */
  code: string;
  detail: string;
  /** For `rate_limited` (and optionally `retryable`): wait at least this long. */
  retryAfterMs?: number;
  /**
   * The network may have taken the part although the call failed (a timeout, a connection
   * lost after the request went out). Only a driver with `idempotentIds` may simply re-send;
   * otherwise the engine waits for a receipt to tell.
   */
  uncertain?: boolean;
  /**
   * `recipient`: a `rate_limited` that limits sends to this one recipient (Meta's pair rate
   * limit), so only this message waits; the sender keeps its pace.
   */
  scope?: 'recipient';
}

/** A send either was accepted by the network, with the id it goes by there, or failed. */
export type SendResult = { ok: true; providerId: string } | { ok: false; error: SendError };

export const partTypes = ['text', 'image', 'video', 'audio', 'document'] as const;
export type PartType = (typeof partTypes)[number];

/** One WhatsApp message. A Kurir message with attachments is sent as several parts. */
export interface MessagePart {
  /**
   * Kurir's deterministic id for this part. Drivers with `idempotentIds` use it as the
   * WhatsApp message id, so a re-send after a crash is recognised by the recipient.
   * Drivers without it still report it back in receipts (e.g. as opaque callback data).
   */
  id: string;
  /** Recipient, E.164. */
  to: string;
  type: PartType;
  /**
   * On each part of a Kurir message sent as several (its text, then its attachments): the
   * id of the message's first part. WhatsApp delivers every part as a message of its own;
   * the simulator reads this so that a scripted recipient answers the message once, not
   * once per part. Real networks have no use for it.
   */
  partOf?: string;
  /** The text of a text part; the caption of a media part (absent for audio). */
  text?: string;
  media?: {
    /** Where to fetch the bytes (http(s) URL or a local file path the driver may read). */
    url: string;
    mimeType?: string;
    fileName?: string;
  };
  /**
   * A pre-approved WhatsApp Business template to send instead of free-form content (the
   * Cloud API allows nothing else outside the 24-hour customer service window). Drivers
   * that have no templates ignore it and send `text`/`media`, so keep those filled with
   * the rendered message.
   */
  template?: MessageTemplate;
}

/** The parts of one message, each told which message it belongs to when there are several. */
export function partsOfOneMessage(parts: MessagePart[]): MessagePart[] {
  const first = parts[0];
  if (first === undefined || parts.length === 1) return parts;
  return parts.map((part) => ({ ...part, partOf: first.id }));
}

/** A template as the Cloud API takes it: approved name, language, and parameters. */
export interface MessageTemplate {
  name: string;
  /** The template's language code as approved, e.g. `en_US`, `de`. */
  language: string;
  /**
   * The parameters per component (`header`, `body`, `button`), passed through in the Graph
   * API's shape: `{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }`.
   */
  components?: readonly TemplateComponent[];
}

export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  /** Buttons only: `quick_reply`, `url`… */
  sub_type?: string;
  /** Buttons only: the button's position, from 0. */
  index?: number;
  parameters?: readonly Record<string, unknown>[];
}

export type ReceiptStatus = 'delivered' | 'read' | 'failed';

/** Everything a driver reports about its session and its messages, in order. */
export type DriverEvent =
  | { type: 'qr'; qr: string }
  | { type: 'pairing_code'; code: string }
  | { type: 'connected'; phone: string | null }
  | { type: 'disconnected'; reason: string; willReconnect: boolean }
  | { type: 'logged_out'; reason: string }
  | { type: 'banned'; reason: string }
  | {
      type: 'receipt';
      /** The part id Kurir gave the send (not the provider's id). */
      messageId: string;
      status: ReceiptStatus;
      at: number;
      error?: SendError;
    }
  | {
      type: 'inbound';
      /** The network's id of the inbound message; repeated deliveries carry the same one. */
      id: string;
      from: string;
      text: string;
      at: number;
      /** Id of the message this one replies to, when the network says. */
      inReplyTo?: string;
    };

/**
 * Gets one event. It may return a promise: a driver whose network redelivers (the simulator,
 * webhook-fed drivers) acknowledges an event only once every listener's promise resolved, so
 * the engine should resolve after the event's effect is persisted. Throwing or rejecting
 * leaves the event unacknowledged: it comes again. Events reach listeners in order, but a
 * driver may hand over the next before the previous one's promise resolved (so a burst can
 * be stored in one transaction); events may come more than once: listeners must be
 * idempotent.
 */
export type DriverEventListener = (event: DriverEvent) => void | Promise<void>;

export interface DriverCapabilities {
  /**
   * Re-sending a part with the same id is safe: the network delivers it at most once. Only
   * then may the engine re-send a message whose outcome a crash made unknown.
   */
  idempotentIds: boolean;
  /** Highest send rate the driver itself allows, per second; null when unbounded. */
  maxPerSecond: number | null;
  /** Shows "typing…" to a recipient. */
  typing: boolean;
}

export interface Driver {
  readonly kind: DriverKind;
  readonly capabilities: DriverCapabilities;

  /**
   * Starts or resumes the session. Resolves once the attempt is under way; the outcome
   * arrives as events (`qr`/`pairing_code` while pairing, then `connected`, or
   * `logged_out`/`banned`). Calling it on a connected driver is a no-op.
   */
  connect(): Promise<void>;

  /** Subscribes to events; returns the unsubscribe function. See `DriverEventListener`. */
  onEvent(listener: DriverEventListener): () => void;

  /**
   * Hands one part to the network. Never throws for an expected failure: those are
   * classified `SendError`s. Throws only on a programming error.
   */
  send(part: MessagePart): Promise<SendResult>;

  /** Which of these E.164 numbers have WhatsApp. Numbers it could not check are absent. */
  checkNumbers(phones: readonly string[]): Promise<Map<string, boolean>>;

  /** Shows or clears "typing…" in the chat with `to`; a no-op without the capability. */
  setTyping(to: string, state: 'composing' | 'paused'): Promise<void>;

  /**
   * Asks for an 8-character code to type on the phone (Settings › Linked devices › Link with
   * phone number) instead of scanning a QR code. `phone` is the number being linked, E.164.
   * Absent on drivers that pair another way (the Cloud API needs no pairing).
   */
  requestPairingCode?(phone: string): Promise<string>;

  /** Unlinks the session from the phone; a `logged_out` event follows. */
  logout(): Promise<void>;

  /** Closes the connection without unlinking; events stop. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A driver whose network calls us: the Cloud API posts statuses and inbound messages to a
 * webhook. The API layer routes `/webhooks/cloud-api/{senderId}` to the sender's driver.
 */
export interface WebhookReceiver {
  /**
   * The subscription handshake (`GET` with `hub.mode`, `hub.verify_token`,
   * `hub.challenge`): the challenge to echo when the token matches, otherwise null.
   */
  verifyWebhook(query: Record<string, string | undefined>): string | null;
  /**
   * A delivery (`POST`): checks the signature over the raw bytes, then turns the payload
   * into events. Resolves once the events were handed to listeners and stored (so a 2xx
   * tells the network it may forget them); `signatureOk: false` means nothing was read.
   */
  receiveWebhook(
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
  ): Promise<{ signatureOk: boolean }>;
}

export function isWebhookReceiver(driver: Driver): driver is Driver & WebhookReceiver {
  const d = driver as Partial<WebhookReceiver>;
  return typeof d.verifyWebhook === 'function' && typeof d.receiveWebhook === 'function';
}
