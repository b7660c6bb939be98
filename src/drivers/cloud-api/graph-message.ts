import { isE164 } from '../../domain/phone.ts';
import type { MessagePart, SendError } from '../driver.ts';

/** How the media of a part is named to Meta: an uploaded id or a public link. */
export type GraphMedia = { id: string } | { link: string };

export type GraphMessage = { ok: true; body: Record<string, unknown> } | { ok: false; error: SendError };

/**
 * The body of `POST /{phone-number-id}/messages` for one part, or why it cannot be sent.
 * Every body carries Kurir's part id as `biz_opaque_callback_data`: Meta echoes it in each
 * status webhook, so a receipt finds its row even when the process died before it stored the
 * wamid the send answered.
 */
export function graphMessage(part: MessagePart, media: GraphMedia | null): GraphMessage {
  if (!isE164(part.to)) {
    return {
      ok: false,
      error: {
        kind: 'invalid_recipient',
        code: 'invalid_phone',
        detail: 'the recipient is not an E.164 number',
      },
    };
  }
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: part.to.slice(1),
    biz_opaque_callback_data: part.id,
  };
  if (part.template !== undefined) {
    const { name, language, components } = part.template;
    return accept({
      ...base,
      type: 'template',
      template: {
        name,
        language: { code: language },
        ...(components === undefined || components.length === 0 ? {} : { components }),
      },
    });
  }
  const text = part.text ?? '';
  if (part.type === 'text') {
    if (text.trim() === '') return refuse('empty_text', 'a text part has no text');
    return accept({ ...base, type: 'text', text: { body: text } });
  }
  if (media === null) return refuse('no_media', `a ${part.type} part has no media`);
  // Meta refuses a caption on audio and a file name on anything but a document.
  if (part.type === 'audio' && text !== '') return refuse('audio_caption', 'audio takes no caption');
  const fileName = part.media?.fileName;
  return accept({
    ...base,
    type: part.type,
    [part.type]: {
      ...media,
      ...(text === '' ? {} : { caption: text }),
      ...(part.type === 'document' && fileName !== undefined && fileName !== ''
        ? { filename: fileName }
        : {}),
    },
  });
}

function accept(body: Record<string, unknown>): GraphMessage {
  return { ok: true, body };
}

function refuse(code: string, detail: string): GraphMessage {
  return { ok: false, error: { kind: 'permanent', code, detail } };
}
