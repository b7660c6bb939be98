export const jobStatuses = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export type OnDuplicate = 'update' | 'skip';

/** Which CSV column feeds which contact property; custom fields map field key → column. */
export interface ColumnMapping {
  phone: string;
  name?: string;
  tags?: string;
  status?: string;
  fields: Record<string, string>;
}

export interface ImportOptions {
  mapping: ColumnMapping;
  onDuplicate: OnDuplicate;
  /** Tags added to every imported contact. */
  tags: string[];
  /** Separator inside the tags column. */
  tagSeparator: string;
  /** Detected from the header line when not given. */
  delimiter: ',' | ';' | '\t';
  /**
   * Remember which contacts the file lists (a campaign's audience upload), so the file's
   * rows, and no other contact, can be selected later. Absent means no.
   */
  recordMembers?: boolean;
}

export interface ImportCounts {
  processedRows: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
}

/** A tracked background job; today only contact imports. */
export interface Job {
  id: string;
  workspaceId: string;
  kind: 'contact_import';
  status: JobStatus;
  fileId: string | null;
  options: ImportOptions;
  totalBytes: number;
  doneBytes: number;
  /** Data rows in the file (header excluded), counted when it was uploaded. */
  totalRows: number;
  counts: ImportCounts;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface ImportRejection {
  line: number;
  reason: string;
}
