import type { Clock } from '../domain/clock.ts';
import { KurirError, notFound } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Message } from '../domain/message.ts';
import { QUOTA_HORIZON_MS, quotaNextAllowed } from '../domain/pacing/quota.ts';
import { type RenderedMessage, renderMessage } from '../domain/template/render-message.ts';
import { waMessageId } from '../domain/wa-message-id.ts';
import { type MessagePart, partsOfOneMessage } from '../drivers/driver.ts';
import type { Store } from '../store/store.ts';
import { CHECK_VALID_MS } from './prechecks.ts';
import type { SenderSession, SenderSessions } from './sender-sessions.ts';

export interface TestSendDeps {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  sessions: SenderSessions;
  mediaUrl: (attachment: { url?: string; fileId?: string }, workspaceId: string) => string;
  /** Counts the send against the sender's quotas where campaigns are paced. */
  senderUsed: (senderId: string, at: number) => void;
}

/**
 * Sends a campaign's message, rendered for a contact (or just the phone), to one number
 * now — to see it on a real phone before the run. It is a message row like any other,
 * written before it is sent, but in no campaign's queue or counts. It keeps the rules every
 * send keeps: a suppressed number is refused (`message.suppressed`) and so is one without
 * WhatsApp (`message.not_on_whatsapp`), both before anything is written or sent; the send
 * counts against the sender's quotas and is refused while they are used up
 * (`sender.quota_exceeded`, with when to retry); and a sender that only takes approved
 * templates (the Cloud API) gets the campaign's approved template, as campaign sends do.
 */
export async function testSend(
  deps: TestSendDeps,
  workspaceId: string,
  campaignId: string,
  input: { phone: string; contactId?: string; senderId?: string },
): Promise<Message> {
  const { store, clock, newId } = deps;
  const campaign = await store.campaigns.get(workspaceId, campaignId);
  if (campaign === null) throw notFound('campaign', campaignId);
  const template =
    campaign.template ??
    (campaign.templateId ? await store.templates.get(workspaceId, campaign.templateId) : null);
  if (template === null) throw new KurirError('campaign.invalid', 'The campaign has no template to send');
  let contact = {
    name: null as string | null,
    status: null as string | null,
    fields: {} as Record<string, unknown>,
  };
  if (input.contactId !== undefined) {
    const stored = await store.contacts.get(workspaceId, input.contactId);
    if (stored === null) throw notFound('contact', input.contactId);
    contact = { name: stored.name, status: stored.status, fields: stored.fields };
  }
  if ((await store.suppressions.suppressedAmong(workspaceId, [input.phone])).size > 0) {
    throw new KurirError(
      'message.suppressed',
      `${input.phone} is on the suppression list; nothing was sent`,
      {
        errors: [{ pointer: '/phone', detail: 'is suppressed (see GET /v1/suppressions)' }],
      },
    );
  }
  const session = await chooseSender(deps, campaign.senderIds, input.senderId);
  await checkOnWhatsapp(deps, workspaceId, session, input.phone);

  const id = newId('msg');
  const waId = waMessageId(workspaceId, `test:${id}`, input.phone, 0);
  const rendered = renderMessage(template, { ...contact, phone: input.phone }, waId);
  const now = clock.now();
  await store.queue.insertSending({
    id,
    workspaceId,
    contactId: input.contactId ?? null,
    phone: input.phone,
    senderId: session.sender.id,
    waId,
    text: rendered.text,
    variant: rendered.variantIndex,
    now,
  });
  // The row's `claimed_at` counts it from the rows; this counts it for a dispatcher running now.
  deps.senderUsed(session.sender.id, now);
  let sent = 0;
  for (const part of partsOfOneMessage(
    partsOf(deps, session, workspaceId, id, input.phone, waId, rendered),
  )) {
    const result = await session.driver.send(part);
    if (!result.ok) {
      await store.queue.settleDirect(
        id,
        {
          state: 'failed',
          reason: result.error.kind,
          detail: `${result.error.code}: ${result.error.detail}`,
          partsSent: sent,
        },
        clock.now(),
      );
      return (await store.messages.get(workspaceId, id)) as Message;
    }
    sent++;
  }
  await store.queue.settleDirect(
    id,
    { state: 'sent', reason: null, detail: null, partsSent: sent },
    clock.now(),
  );
  return (await store.messages.get(workspaceId, id)) as Message;
}

/**
 * The sender to use: the one asked for, or the first of the campaign's that can send and
 * has room under its quotas. Refused with 429 and `Retry-After` when every one that can
 * send has used up a quota.
 */
async function chooseSender(
  deps: TestSendDeps,
  campaignSenders: readonly string[],
  asked: string | undefined,
): Promise<SenderSession> {
  if (asked !== undefined && !campaignSenders.includes(asked)) {
    throw new KurirError('sender.not_found', `Sender ${asked} is not one of this campaign's senders`, {
      errors: [{ pointer: '/senderId', detail: 'is not one of the campaign’s senders' }],
    });
  }
  const connected = (asked === undefined ? campaignSenders : [asked])
    .map((id) => deps.sessions.get(id))
    .filter((s): s is SenderSession => s?.canSend() === true);
  if (connected.length === 0) {
    throw new KurirError(
      'sender.unavailable',
      asked === undefined
        ? 'None of the campaign’s senders is connected; connect one and try again'
        : `Sender ${asked} is not connected; connect it and try again`,
    );
  }
  const now = deps.clock.now();
  let earliest = Number.POSITIVE_INFINITY;
  for (const session of connected) {
    const claims = await deps.store.messages.claimTimes(session.sender.id, now - QUOTA_HORIZON_MS);
    const allowedAt = quotaNextAllowed(claims, session.sender.quotas, now);
    if (allowedAt <= now) return session;
    earliest = Math.min(earliest, allowedAt);
  }
  const wait = earliest - now;
  throw new KurirError(
    'sender.quota_exceeded',
    Number.isFinite(wait)
      ? `The sender has used up its quota; it has room again at ${new Date(earliest).toISOString()}`
      : 'The sender has a quota of 0; raise it to send',
    Number.isFinite(wait) ? { retryAfterMs: wait } : {},
  );
}

/** Refuses a number the driver says has no WhatsApp (a week-old answer is trusted, as for campaigns). */
async function checkOnWhatsapp(
  deps: TestSendDeps,
  workspaceId: string,
  session: SenderSession,
  phone: string,
): Promise<void> {
  const now = deps.clock.now();
  let on = (await deps.store.numberChecks.known(workspaceId, [phone], now - CHECK_VALID_MS)).get(phone);
  if (on === undefined) {
    const checked = await session.driver.checkNumbers([phone]);
    if (checked.size > 0) await deps.store.numberChecks.record(workspaceId, checked, now);
    on = checked.get(phone);
  }
  if (on === false) {
    throw new KurirError('message.not_on_whatsapp', `${phone} has no WhatsApp account; nothing was sent`, {
      errors: [{ pointer: '/phone', detail: 'has no WhatsApp account' }],
    });
  }
}

/**
 * The parts to send: the text, then one per attachment with its caption; the first carries
 * the approved template when the template has one. A driver that sends the approved
 * template sends it alone, as a campaign send does (`message-delivery.ts`): free-form parts
 * are refused outside the 24-hour window.
 */
function partsOf(
  deps: TestSendDeps,
  session: SenderSession,
  workspaceId: string,
  id: string,
  phone: string,
  waId: string,
  rendered: RenderedMessage,
): MessagePart[] {
  const parts: MessagePart[] = [];
  if (rendered.text.trim() !== '') parts.push({ id: waId, to: phone, type: 'text', text: rendered.text });
  for (const [i, a] of rendered.attachments.entries()) {
    parts.push({
      id: parts.length === 0 ? waId : waMessageId(workspaceId, `test:${id}`, phone, 0, i + 1),
      to: phone,
      type: a.type,
      media: { url: deps.mediaUrl(a, workspaceId), ...(a.fileName ? { fileName: a.fileName } : {}) },
      ...(a.caption !== undefined && a.type !== 'audio' ? { text: a.caption } : {}),
    });
  }
  const wa = rendered.whatsappTemplate;
  const first = parts[0];
  if (wa === null || first === undefined) return parts;
  first.template = {
    name: wa.name,
    language: wa.language,
    components:
      wa.parameters.length === 0
        ? []
        : [{ type: 'body', parameters: wa.parameters.map((text) => ({ type: 'text', text })) }],
  };
  return session.driver.kind === 'cloud-api' ? [first] : parts;
}
