import type { MessagePart, SendError } from '../driver.ts';

/**
 * One part as a sender hands it to the network. `id` is the WhatsApp message id when the
 * driver chooses it (custom ids); without it the network makes one up, as WhatsApp does.
 * `ref` is the driver's own reference (Kurir's part id): receipts and replies name it.
 * `partOf` is the `ref` of the first part when the message was sent in several parts.
 */
export interface NetworkSend {
  id?: string;
  ref: string;
  partOf?: string;
  to: string;
  type: MessagePart['type'];
  text?: string;
  media?: MessagePart['media'];
}

/** Why the network refuses a part that is malformed, before looking at the recipient. */
export function malformed(part: NetworkSend): SendError | null {
  if (part.type === 'text' && (part.text === undefined || part.text === ''))
    return { kind: 'permanent', code: 'empty_text', detail: 'a text part needs a text' };
  if (part.type !== 'text' && (part.media?.url === undefined || part.media.url === ''))
    return { kind: 'permanent', code: 'missing_media', detail: `a ${part.type} part needs media.url` };
  if (part.type === 'audio' && part.text !== undefined && part.text !== '')
    return { kind: 'permanent', code: 'audio_caption', detail: 'an audio part cannot have a caption' };
  return null;
}
