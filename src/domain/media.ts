import type { AttachmentType } from './template.ts';

const MB = 1024 * 1024;

/**
 * Largest media per type each driver can send. Cloud API figures are Meta's; WhatsApp
 * Web takes bigger videos. Images are shrunk before sending, so their limit is on what
 * Kurir will read and shrink, not on what it sends.
 */
const driverMediaLimits: Record<'simulator' | 'baileys' | 'cloud-api', Record<AttachmentType, number>> = {
  'cloud-api': { image: 25 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB },
  baileys: { image: 25 * MB, video: 64 * MB, audio: 16 * MB, document: 100 * MB },
  simulator: { image: 25 * MB, video: 64 * MB, audio: 16 * MB, document: 100 * MB },
};

/** The strictest limits among the given drivers. */
export function mediaLimitsFor(
  drivers: readonly (keyof typeof driverMediaLimits)[],
): Record<AttachmentType, number> {
  const out = { ...driverMediaLimits.simulator };
  for (const d of drivers)
    for (const t of Object.keys(out) as AttachmentType[]) out[t] = Math.min(out[t], driverMediaLimits[d][t]);
  return out;
}

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
