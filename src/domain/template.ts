export const attachmentTypes = ['image', 'video', 'audio', 'document'] as const;
export type AttachmentType = (typeof attachmentTypes)[number];
export const MAX_ATTACHMENTS = 10;
export const MAX_VARIANTS = 20;

/** Media sent with a message: from a URL or an uploaded file, with a caption that may use variables. */
export interface Attachment {
  type: AttachmentType;
  url?: string;
  fileId?: string;
  caption?: string;
  fileName?: string;
}

export interface Template {
  id: string;
  workspaceId: string;
  name: string;
  /** Alternative texts; each recipient gets one, chosen from a seed so retries match. */
  variants: string[];
  attachments: Attachment[];
  createdAt: number;
  updatedAt: number;
}
