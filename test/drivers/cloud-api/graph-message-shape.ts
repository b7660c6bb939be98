type Json = Record<string, unknown>;

const mediaTypes = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const mediaKeys = new Set(['id', 'link', 'caption', 'filename']);

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What Meta would object to in a `POST /{phone-number-id}/messages` body, as the `details`
 * of its error 100; null when the shape is fine. Covers the fields the driver may send.
 */
export function messageShapeProblem(body: unknown): string | null {
  if (!isJson(body)) return 'the body must be a JSON object';
  if (body.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (typeof body.to !== 'string' || !/^\d{7,15}$/.test(body.to))
    return 'to must be a phone number in digits';
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
    return 'recipient_type must be "individual"';
  const opaque = body.biz_opaque_callback_data;
  if (opaque !== undefined && (typeof opaque !== 'string' || opaque.length > 512))
    return 'biz_opaque_callback_data must be a string of at most 512 characters';
  const type = body.type ?? 'text';
  if (typeof type !== 'string') return 'type must be a string';
  const content = body[type];
  if (!isJson(content)) return `param ${type} must be an object`;
  if (type === 'text') {
    if (typeof content.body !== 'string' || content.body === '') return 'text.body is required';
    return content.body.length > 4096 ? 'text.body is longer than 4096 characters' : null;
  }
  if (type === 'template') {
    if (typeof content.name !== 'string' || content.name === '') return 'template.name is required';
    if (!isJson(content.language) || typeof content.language.code !== 'string')
      return 'template.language.code is required';
    if (content.components !== undefined && !Array.isArray(content.components))
      return 'template.components must be an array';
    return null;
  }
  if (!mediaTypes.has(type)) return `type ${type} is not supported`;
  const unknown = Object.keys(content).find((k) => !mediaKeys.has(k));
  if (unknown !== undefined) return `param ${type}.${unknown} is not allowed`;
  if ((content.id === undefined) === (content.link === undefined))
    return `${type} needs exactly one of id and link`;
  if (content.link !== undefined && (typeof content.link !== 'string' || !/^https?:\/\//.test(content.link)))
    return `${type}.link must be an http(s) URL`;
  if (content.caption !== undefined && (type === 'audio' || type === 'sticker'))
    return `${type} does not take a caption`;
  if (content.filename !== undefined && type !== 'document') return 'filename applies to documents only';
  return null;
}
