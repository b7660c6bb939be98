import type { proto, WAMessage } from 'baileys';
import { normalizeMessageContent } from 'baileys';
import type { DriverEvent } from '../driver.ts';
import { isLidJid, isPersonJid, phoneOf } from './phone-jid.ts';
import { instantOf } from './receipt-events.ts';

type Inbound = Extract<DriverEvent, { type: 'inbound' }>;

/** Resolves a LID jid to the E.164 number behind it, when the session knows it. */
export type LidResolver = (lid: string) => Promise<string | null>;

/**
 * The `inbound` event for one message Baileys received, or null when it is not a person
 * writing to this sender: our own messages (sent here or from the phone), groups, status
 * updates, broadcasts and newsletters, and messages without anything to read (reactions,
 * edits, deletions, protocol messages). The sender is named by number; a chat named by LID
 * uses the number WhatsApp sent alongside (`remoteJidAlt`), else the session's LID mapping.
 * A message whose number cannot be told is null as well: Kurir knows contacts by number.
 */
export async function inboundEvent(
  message: WAMessage,
  resolveLid: LidResolver,
  now: number,
): Promise<Inbound | null> {
  const { key } = message;
  if (key.fromMe === true || typeof key.id !== 'string' || !isPersonJid(key.remoteJid)) return null;
  const content = normalizeMessageContent(message.message);
  if (content === undefined || content === null) return null;
  const read = readable(content);
  if (read === null) return null;
  const from = await senderOf(key.remoteJid, key.remoteJidAlt, resolveLid);
  if (from === null) return null;
  const event: Inbound = {
    type: 'inbound',
    id: key.id,
    from,
    text: read.text,
    at: instantOf(message.messageTimestamp, now),
  };
  if (read.inReplyTo !== undefined) event.inReplyTo = read.inReplyTo;
  return event;
}

async function senderOf(
  jid: string | null | undefined,
  alt: string | undefined,
  resolveLid: LidResolver,
): Promise<string | null> {
  const direct = phoneOf(jid) ?? phoneOf(alt);
  if (direct !== null) return direct;
  return isLidJid(jid) ? resolveLid(jid) : null;
}

/**
 * The text a person wrote (a caption for media, the chosen button's label for a reply to
 * buttons) and the id of the message it quotes. Media without a caption reads as ''.
 */
function readable(content: proto.IMessage): { text: string; inReplyTo?: string } | null {
  const media: { caption?: string | null; contextInfo?: proto.IContextInfo | null } | null | undefined =
    content.imageMessage ??
    content.videoMessage ??
    content.documentMessage ??
    content.audioMessage ??
    content.stickerMessage;
  const candidates: { text: string | null | undefined; context: proto.IContextInfo | null | undefined }[] = [
    { text: content.conversation, context: undefined },
    { text: content.extendedTextMessage?.text, context: content.extendedTextMessage?.contextInfo },
    {
      text: content.buttonsResponseMessage?.selectedDisplayText,
      context: content.buttonsResponseMessage?.contextInfo,
    },
    {
      text: content.templateButtonReplyMessage?.selectedDisplayText,
      context: content.templateButtonReplyMessage?.contextInfo,
    },
    { text: content.listResponseMessage?.title, context: content.listResponseMessage?.contextInfo },
    { text: media?.caption, context: media?.contextInfo },
  ];
  // Decoded protobuf messages read unset strings as '' (the prototype's default).
  const found = candidates.find((c) => typeof c.text === 'string' && c.text !== '');
  if (found === undefined && (media === undefined || media === null)) return null;
  const stanzaId = (found?.context ?? media?.contextInfo)?.stanzaId;
  return {
    text: found?.text ?? '',
    ...(typeof stanzaId === 'string' && stanzaId !== '' ? { inReplyTo: stanzaId } : {}),
  };
}
