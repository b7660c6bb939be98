import type { Clock } from '../domain/clock.ts';
import { typingMs } from '../domain/pacing/pacing-policy.ts';
import type { Random } from '../domain/random.ts';
import { type RetryPolicy, retryAt } from '../domain/retry-policy.ts';
import type { Attachment } from '../domain/template.ts';
import { waMessageId } from '../domain/wa-message-id.ts';
import { type MessagePart, partsOfOneMessage, type SendError } from '../drivers/driver.ts';
import type { ClaimedMessage, Settlement } from '../store/message-queue.ts';
import type { RunningCampaign } from './running-campaign.ts';
import type { SenderSession } from './sender-sessions.ts';

export interface DeliveryDeps {
  clock: Clock;
  random: Random;
  retry: RetryPolicy;
  /** How long an attempt with an unknown outcome waits for a receipt (or its pinned sender). */
  reconcileGraceMs: number;
  /** Where a driver can read an attachment: its URL, or the stored file's path. */
  mediaUrl: (attachment: Attachment, workspaceId: string) => string;
  /** A wait that a halted campaign can cut short; resolves false when cancelled. */
  wait: (ms: number, onCancel: (cancel: () => void) => void) => Promise<boolean>;
}

/** What happened to the sender during a send, for the dispatcher to act on. */
export interface SenderSignal {
  kind: 'rate_limited' | 'banned' | 'logged_out';
  retryAfterMs?: number;
  detail: string;
}

export interface Delivery {
  settlements: Settlement[];
  signal: SenderSignal | null;
  /** The network says the recipient opted out: suppress them. */
  optedOut?: true;
}

const partTypeOf: Record<Attachment['type'], MessagePart['type']> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
};

/** The parts of a message: its text, then one part per attachment (with its caption). */
function partsOf(
  run: RunningCampaign,
  message: ClaimedMessage,
  mediaUrl: DeliveryDeps['mediaUrl'],
): MessagePart[] {
  const parts: MessagePart[] = [];
  if (message.text.trim() !== '')
    parts.push({ id: message.waId, to: message.phone, type: 'text', text: message.text });
  // The text was rendered at claim time and stored; only the captions and parameters are left.
  const rendered = run.renderFor(message, message.waId);
  for (const [i, a] of rendered.attachments.entries()) {
    const part: MessagePart = {
      // The first part always carries the message's own id: receipts are matched by it.
      id:
        parts.length === 0
          ? message.waId
          : waMessageId(
              run.campaign.workspaceId,
              run.campaign.id,
              message.contactId ?? message.phone,
              0,
              i + 1,
            ),
      to: message.phone,
      type: partTypeOf[a.type as Attachment['type']],
      media: {
        url: mediaUrl(a, run.campaign.workspaceId),
        ...(a.fileName === undefined ? {} : { fileName: a.fileName }),
      },
    };
    if (a.caption !== undefined && a.type !== 'audio') part.text = a.caption;
    parts.push(part);
  }
  const wa = rendered.whatsappTemplate;
  const first = parts[0];
  if (wa !== null && first !== undefined) {
    // Drivers without templates ignore this and send the text; the Cloud API sends the
    // approved template instead (nothing else is allowed outside the 24-hour window).
    first.template = {
      name: wa.name,
      language: wa.language,
      components:
        wa.parameters.length === 0
          ? []
          : [{ type: 'body', parameters: wa.parameters.map((text) => ({ type: 'text', text })) }],
    };
  }
  return partsOfOneMessage(parts);
}

/**
 * Sends one claimed message through a sender and says how to settle it. Never throws for
 * what the network does: every driver error becomes a settlement (retry with backoff, fail,
 * skip, or release when the sender itself is the problem).
 */
export async function deliver(
  deps: DeliveryDeps,
  run: RunningCampaign,
  session: SenderSession,
  message: ClaimedMessage,
  flight: { stage: 'waiting' | 'sending'; cancelWait: (() => void) | null },
): Promise<Delivery> {
  const base = { id: message.id, campaignId: run.id, attempt: message.attempt };
  const release: Delivery = { settlements: [{ kind: 'release', ...base }], signal: null };
  const { driver } = session;
  const typing = driver.capabilities.typing ? typingMs(run.policy, message.text.length, deps.random) : 0;
  if (typing > 0 && !run.halted) {
    await driver.setTyping(message.phone, 'composing');
    const finished = await deps.wait(typing, (cancel) => {
      flight.cancelWait = cancel;
    });
    flight.cancelWait = null;
    if (!finished) return release;
  }
  // Checked in the same synchronous step as the call below: once a pause is recorded, no
  // send that has not started yet will start.
  if (run.halted || !session.canSend()) return release;
  flight.stage = 'sending';
  let parts = partsOf(run, message, deps.mediaUrl);
  // A Cloud API sender sends the approved template alone: free-form parts would be refused
  // outside the 24-hour window anyway.
  if (driver.kind === 'cloud-api' && parts[0]?.template !== undefined) parts = parts.slice(0, 1);
  let providerId = message.waId;
  for (let i = message.partsSent; i < parts.length; i++) {
    const result = await driver.send(parts[i] as MessagePart);
    if (!result.ok) return failure(deps, base, message, result.error, i, session);
    if (i === 0) providerId = result.providerId;
  }
  const reached = {
    workspaceId: run.campaign.workspaceId,
    phone: message.phone,
    senderId: session.sender.id,
  };
  return {
    settlements: [
      { kind: 'sent', ...base, providerId, partsSent: parts.length, at: deps.clock.now(), reached },
    ],
    signal: null,
  };
}

function failure(
  deps: DeliveryDeps,
  base: { id: string; campaignId: string; attempt: number },
  message: ClaimedMessage,
  error: SendError,
  partIndex: number,
  session: SenderSession,
): Delivery {
  const now = deps.clock.now();
  const detail = `${error.code}: ${error.detail}`;
  const settlements: Settlement[] = [];
  if (partIndex > message.partsSent) settlements.push({ kind: 'progress', ...base, partsSent: partIndex });
  const idempotent = session.driver.capabilities.idempotentIds;
  if (error.uncertain === true && !idempotent) {
    // The network may hold it already; a re-send could duplicate it. A receipt decides.
    settlements.push({ kind: 'uncertain', ...base, reconcileBy: now + deps.reconcileGraceMs, detail });
    return { settlements, signal: null };
  }
  switch (error.kind) {
    case 'retryable':
    case 'rate_limited': {
      const at = retryAt(deps.retry, message.attempt, now, deps.random, error.retryAfterMs);
      const reason = error.scope === 'recipient' ? 'recipient_rate_limited' : error.kind;
      // After an uncertain attempt only the same sender may re-send (the id is dropped as
      // a repeat within its chat); a row pinned earlier stays pinned.
      const pinnedTo = message.resendVia ?? (error.uncertain === true ? session.sender.id : null);
      const pin =
        pinnedTo === null || at === null
          ? {}
          : { pin: { senderId: pinnedTo, deadline: at + deps.reconcileGraceMs } };
      settlements.push(
        at === null
          ? {
              kind: 'failed',
              ...base,
              reason,
              detail: `gave up after ${message.attempt} attempts; ${detail}`,
              at: now,
            }
          : { kind: 'retry', ...base, nextAt: at, reason, detail, ...pin },
      );
      const signal: SenderSignal | null =
        error.kind === 'rate_limited' && error.scope !== 'recipient'
          ? {
              kind: 'rate_limited',
              detail,
              ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
            }
          : null;
      return { settlements, signal };
    }
    case 'not_on_whatsapp':
      settlements.push({ kind: 'skipped', ...base, reason: 'not_on_whatsapp', detail });
      return { settlements, signal: null };
    case 'opted_out':
      settlements.push({ kind: 'skipped', ...base, reason: 'opted_out', detail });
      return { settlements, signal: null, optedOut: true };
    case 'invalid_recipient':
    case 'permanent':
      settlements.push({ kind: 'failed', ...base, reason: error.kind, detail, at: now });
      return { settlements, signal: null };
    case 'banned':
    case 'logged_out':
      // The sender, not the message, failed: back to the queue for another sender.
      settlements.push({ kind: 'release', ...base });
      return { settlements, signal: { kind: error.kind, detail } };
  }
}
