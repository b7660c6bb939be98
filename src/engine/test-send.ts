import type { Clock } from '../domain/clock.ts';
import { KurirError, notFound } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Message } from '../domain/message.ts';
import { renderMessage } from '../domain/template/render-message.ts';
import { waMessageId } from '../domain/wa-message-id.ts';
import { type MessagePart, partsOfOneMessage } from '../drivers/driver.ts';
import type { Store } from '../store/store.ts';
import type { SenderSessions } from './sender-sessions.ts';

export interface TestSendDeps {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  sessions: SenderSessions;
  mediaUrl: (attachment: { url?: string; fileId?: string }, workspaceId: string) => string;
}

/**
 * Sends a campaign's message, rendered for a contact (or just the phone), to one number
 * now — to see it on a real phone before the run. It is a message row like any other,
 * written before it is sent, but in no campaign's queue or counts.
 */
export async function testSend(
  deps: TestSendDeps,
  workspaceId: string,
  campaignId: string,
  input: { phone: string; contactId?: string; senderId?: string },
): Promise<Message> {
  const { store, clock, newId, sessions } = deps;
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
  const senderIds = input.senderId !== undefined ? [input.senderId] : campaign.senderIds;
  const session = senderIds.map((id) => sessions.get(id)).find((s) => s?.canSend() === true);
  if (session === undefined) {
    throw new KurirError(
      'sender.unavailable',
      'None of the campaign’s senders is connected; connect one and try again',
    );
  }
  if (!campaign.senderIds.includes(session.sender.id)) {
    throw new KurirError(
      'sender.not_found',
      `Sender ${input.senderId} is not one of this campaign's senders`,
    );
  }
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
  const parts: MessagePart[] = [];
  if (rendered.text.trim() !== '')
    parts.push({ id: waId, to: input.phone, type: 'text', text: rendered.text });
  for (const [i, a] of rendered.attachments.entries()) {
    parts.push({
      id: parts.length === 0 ? waId : waMessageId(workspaceId, `test:${id}`, input.phone, 0, i + 1),
      to: input.phone,
      type: a.type,
      media: { url: deps.mediaUrl(a, workspaceId), ...(a.fileName ? { fileName: a.fileName } : {}) },
      ...(a.caption !== undefined && a.type !== 'audio' ? { text: a.caption } : {}),
    });
  }
  let sent = 0;
  for (const part of partsOfOneMessage(parts)) {
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
