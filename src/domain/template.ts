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

/**
 * A WhatsApp Business template approved in Meta's manager, for Cloud API senders: outside
 * the 24-hour customer-service window nothing else may be sent. Body parameters are
 * Kurir template texts (`{{firstName}}`), rendered per recipient.
 */
export interface WhatsappTemplate {
  name: string;
  language: string;
  bodyParameters: string[];
}

export interface Template {
  id: string;
  workspaceId: string;
  name: string;
  /** Alternative texts; each recipient gets one, chosen from a seed so retries match. */
  variants: string[];
  attachments: Attachment[];
  /** Absent or null: the template is free-form only (no Cloud API sends outside the window). */
  whatsappTemplate?: WhatsappTemplate | null;
  createdAt: number;
  updatedAt: number;
}
