/** A custom field value: flat scalars, so audiences can filter by equality and CSV can hold them. */
export type FieldValue = string | number | boolean | null;

export interface Consent {
  /** When the contact agreed to be messaged, epoch ms. */
  optedInAt: number;
  /** Where the agreement came from (a form, an import, a keyword…). */
  source: string | null;
}

export interface Contact {
  id: string;
  workspaceId: string;
  /** E.164, unique per workspace. */
  phone: string;
  name: string | null;
  fields: Record<string, FieldValue>;
  tags: string[];
  /** Lead status: `prospect`, `customer` or any word the workspace uses. */
  status: string | null;
  consent: Consent | null;
  createdAt: number;
  updatedAt: number;
}

export const FIELD_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_TAGS = 50;
export const MAX_FIELDS = 100;
/**
 * Custom-field conditions one filter may hold. Each becomes its own SQL comparison, and
 * SQLite refuses a statement whose expression tree grows past 1,000 levels ("Expression
 * tree is too large"), which a few hundred `field.<key>` parameters reach.
 */
export const MAX_FIELD_FILTERS = 20;

/** Tags and statuses compare case-insensitively, so they are stored trimmed and lower-case. */
export function normaliseLabel(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function normaliseTags(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    const t = normaliseLabel(tag);
    if (t !== '') out.add(t);
  }
  return [...out];
}

/**
 * Turns a CSV header or user-typed key into a field key: `Company Name` → `company_name`.
 * Returns null when nothing usable is left.
 */
export function toFieldKey(header: string): string | null {
  const key = header
    .trim()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .slice(0, 64);
  if (key === '') return null;
  return /^[0-9]/.test(key) ? `f_${key}`.slice(0, 64) : key;
}

/** What a contact list or an audience selects. Every part narrows; tags match any of those given. */
export interface ContactFilter {
  /** Substring of the name or the phone. */
  q?: string;
  tags?: string[];
  status?: string[];
  /** Custom-field equality, compared as text. */
  fields?: Record<string, string>;
  ids?: string[];
  /** Contacts listed in a CSV imported with `recordMembers` (a campaign's audience upload). */
  importId?: string;
}
