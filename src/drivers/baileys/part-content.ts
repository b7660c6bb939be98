import type { AnyMessageContent } from 'baileys';
import type { MessagePart } from '../driver.ts';

/** WhatsApp plays voice notes only as Ogg/Opus; Baileys sends this type for them. */
const VOICE_NOTE_MIME = 'audio/ogg; codecs=opus';
const FALLBACK_DOCUMENT_MIME = 'application/octet-stream';

/**
 * What Baileys' `sendMessage` is given for one part. Media goes by `{ url }`: Baileys
 * streams an http(s) URL or reads a local path itself, encrypting on the way. Audio is sent
 * as a voice note (`ptt`), which carries no caption.
 */
export function partContent(part: MessagePart): AnyMessageContent {
  if (part.type === 'text') return { text: part.text ?? '' };
  const media = part.media;
  if (media === undefined) throw new Error(`a ${part.type} part needs media (part ${part.id})`);
  const url = { url: media.url };
  const caption = part.text === undefined || part.text === '' ? {} : { caption: part.text };
  switch (part.type) {
    case 'image':
      return { image: url, ...caption, ...mimeOf(media.mimeType, 'image/') };
    case 'video':
      return { video: url, ...caption, ...mimeOf(media.mimeType, 'video/') };
    case 'audio':
      return { audio: url, ptt: true, mimetype: VOICE_NOTE_MIME };
    case 'document':
      return {
        document: url,
        mimetype: media.mimeType ?? FALLBACK_DOCUMENT_MIME,
        fileName: media.fileName ?? fileNameOf(media.url),
        ...caption,
      };
  }
}

/**
 * The part's own type when it is one of the kind (`image/png`); otherwise Baileys' default
 * for the kind (`image/jpeg`, `video/mp4`) stays, rather than a type WhatsApp would not show.
 */
function mimeOf(mimeType: string | undefined, kind: 'image/' | 'video/'): { mimetype?: string } {
  return mimeType?.startsWith(kind) === true ? { mimetype: mimeType } : {};
}

/** The last path segment of a URL or path, so a document without a name is not "file". */
function fileNameOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? url;
  const last = path
    .split(/[\\/]/)
    .filter((s) => s !== '')
    .at(-1);
  return last === undefined ? 'document' : decodeURIComponentSafe(last);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
