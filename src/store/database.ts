import type { Kysely, Transaction } from 'kysely';

/**
 * Row shapes as stored. Instants are epoch milliseconds (BIGINT on PostgreSQL); JSON
 * columns are TEXT on SQLite and JSONB on PostgreSQL, so they read back as a string or an
 * already-parsed value and go through `readJson`. Repositories map rows to domain types;
 * nothing above `store/` sees these.
 */
export interface WorkspaceTable {
  id: string;
  name: string;
  default_country: string | null;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ContactTable {
  id: string;
  workspace_id: string;
  phone: string;
  name: string | null;
  fields: unknown;
  tags: unknown;
  status: string | null;
  consent_at: number | null;
  consent_source: string | null;
  created_at: number;
  updated_at: number;
}

export interface ContactTagTable {
  workspace_id: string;
  contact_id: string;
  tag: string;
}

export interface FieldKeyTable {
  workspace_id: string;
  key: string;
}

export interface SuppressionTable {
  id: string;
  workspace_id: string;
  phone: string;
  reason: string;
  note: string | null;
  created_at: number;
}

export interface TemplateTable {
  id: string;
  workspace_id: string;
  name: string;
  variants: unknown;
  attachments: unknown;
  whatsapp_template: unknown;
  created_at: number;
  updated_at: number;
}

export interface FileTable {
  id: string;
  workspace_id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: number;
}

export interface JobTable {
  id: string;
  workspace_id: string;
  kind: string;
  status: string;
  file_id: string | null;
  options: unknown;
  total_bytes: number;
  done_bytes: number;
  total_rows: number;
  processed_rows: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ImportRejectionTable {
  job_id: string;
  line: number;
  reason: string;
}

export interface SenderTable {
  id: string;
  workspace_id: string;
  name: string;
  driver: string;
  config: unknown;
  secret: string | null;
  phone: string | null;
  connection: string;
  connection_reason: string | null;
  quota_per_minute: number | null;
  quota_per_hour: number | null;
  quota_per_day: number | null;
  paused_reason: string | null;
  health: number;
  consecutive_failures: number;
  created_at: number;
  updated_at: number;
}

export interface SenderKeyTable {
  sender_id: string;
  type: string;
  key_id: string;
  value: string;
}

export interface SenderHealthTable {
  sender_id: string;
  at: number;
  health: number;
}

export interface StickySenderTable {
  workspace_id: string;
  phone: string;
  sender_id: string;
  at: number;
}

export interface CampaignTable {
  id: string;
  workspace_id: string;
  name: string;
  template_id: string | null;
  template: unknown;
  audience: unknown;
  pacing: unknown;
  send_window: unknown;
  start_at: number | null;
  status: string;
  pause_reason: string | null;
  error: string | null;
  total: number;
  queued: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  expand_cursor: string | null;
  expanded_at: number | null;
  sender_strategy: string;
}

export interface CampaignSenderTable {
  campaign_id: string;
  sender_id: string;
  position: number;
}

export interface MessageTable {
  id: string;
  workspace_id: string;
  campaign_id: string | null;
  contact_id: string | null;
  phone: string;
  seq: number;
  state: string;
  reason: string | null;
  detail: string | null;
  sender_id: string | null;
  wa_id: string | null;
  provider_id: string | null;
  attempt: number;
  parts_sent: number;
  next_at: number;
  text: string | null;
  variant: number | null;
  claimed_at: number | null;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  reconcile_by: number | null;
  resend_via: string | null;
  created_at: number;
  updated_at: number;
}

export interface NumberCheckTable {
  workspace_id: string;
  phone: string;
  on_whatsapp: number;
  checked_at: number;
}

/** A contact listed in the file of an import that records its members (an audience upload). */
export interface ImportMemberTable {
  job_id: string;
  contact_id: string;
}

export interface Database {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  contacts: ContactTable;
  contact_tags: ContactTagTable;
  field_keys: FieldKeyTable;
  suppressions: SuppressionTable;
  templates: TemplateTable;
  files: FileTable;
  jobs: JobTable;
  import_rejections: ImportRejectionTable;
  import_members: ImportMemberTable;
  senders: SenderTable;
  campaigns: CampaignTable;
  campaign_senders: CampaignSenderTable;
  messages: MessageTable;
  number_checks: NumberCheckTable;
  sender_keys: SenderKeyTable;
  sender_health: SenderHealthTable;
  sticky_senders: StickySenderTable;
}

export type Db = Kysely<Database> | Transaction<Database>;

export type Dialect = 'sqlite' | 'postgres';

export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}
