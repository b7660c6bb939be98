import type { AttachmentType } from './template.ts';

/** Largest media per type, as WhatsApp accepts them (Cloud API figures; Web is similar). */
export const mediaLimits: Record<AttachmentType, number> = {
  image: 5 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  document: 100 * 1024 * 1024,
};

/** Content types WhatsApp sends as each kind of attachment. */
export const mediaTypes: Record<AttachmentType, RegExp> = {
  image: /^image\/(jpeg|png|webp)$/,
  video: /^video\/(mp4|3gpp)$/,
  audio: /^audio\/(aac|amr|mpeg|mp4|ogg|opus)/,
  document: /^(application|text)\//,
};

/** What a URL serves, as far as a HEAD request says, or why it could not be asked. */
export type MediaProbe = (
  url: string,
) => Promise<{ size: number | null; contentType: string | null } | { error: string }>;
