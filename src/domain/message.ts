/**
 * One outbound message to one contact. The row is the source of truth and the queue:
 *
 *   queued ──► sending ──► sent ──► delivered ──► read
 *     │  ▲         │
 *     │  └─retry───┤ (retryable error; next_at = backoff)
 *     │            └──► failed (permanent, attempts exhausted, or outcome unknown)
 *     ├──► skipped (suppressed, invalid, duplicate, not on WhatsApp, opted out)
 *     └──► cancelled (its campaign was stopped before it was sent; reason `campaign_stopped`)
 *
 * `skipped` says something about the recipient, `cancelled` only about the campaign: a
 * stopped campaign's unsent rows are kept apart so no count mixes them with opt-outs.
 */
export const messageStates = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type MessageState = (typeof messageStates)[number];

export interface Message {
  id: string;
  workspaceId: string;
  campaignId: string | null;
  contactId: string | null;
  phone: string;
  /** Position in its campaign, for order and progress. */
  seq: number;
  state: MessageState;
  /** Skip, cancel or failure reason code (`suppressed`, `campaign_stopped`, `unknown_outcome`, a send error kind…). */
  reason: string | null;
  /** The driver's words for a failure. */
  detail: string | null;
  senderId: string | null;
  /** The deterministic WhatsApp id of its first part, set when first claimed. */
  waId: string | null;
  /** The id the network gave it, when different (Cloud API). */
  providerId: string | null;
  attempt: number;
  /** Parts already accepted (a message with attachments is several parts). */
  partsSent: number;
  /** Not before this instant (pacing, retry backoff). */
  nextAt: number;
  /** The rendered text, written before the first send. */
  text: string | null;
  variant: number | null;
  claimedAt: number | null;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  createdAt: number;
  updatedAt: number;
}
