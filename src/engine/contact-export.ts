import type { Readable } from 'node:stream';
import type { Contact, FieldValue } from '../domain/contact.ts';
import type { Suppression } from '../domain/suppression.ts';
import { csvStream as csv, safeCell as text } from './csv-stream.ts';

const CONTACT_COLUMNS = ['phone', 'name', 'status', 'tags', 'consent_at', 'consent_source', 'created_at'];
const SUPPRESSION_COLUMNS = ['phone', 'reason', 'note', 'created_at'];

/**
 * Contacts as CSV (UTF-8 without BOM, `,`, LF line endings), streamed: one page of contacts in memory
 * at a time. Columns: phone, name, status, tags (joined with `;`), consent_at and
 * created_at (ISO 8601), consent_source, then one column per custom field key. The file
 * imports back as it is (see the contact importer's auto-mapping).
 *
 * Every cell a user or a contact could have written goes through `neutraliseFormula`,
 * so opening the export in a spreadsheet runs nothing. The phone is the exception: it is
 * validated E.164 (`+` and digits) when stored, so it cannot carry a formula, and a
 * spreadsheet would read the `'` added before its `+` as part of the number, breaking
 * the import of the very file we wrote.
 */
export function contactsCsv(contacts: AsyncIterable<Contact>, fieldKeys: string[]): Readable {
  async function* records(): AsyncGenerator<string[]> {
    for await (const c of contacts) {
      yield [
        c.phone,
        text(c.name),
        text(c.status),
        text(c.tags.join(';')),
        c.consent === null ? '' : new Date(c.consent.optedInAt).toISOString(),
        text(c.consent?.source ?? null),
        new Date(c.createdAt).toISOString(),
        ...fieldKeys.map((key) => text(fieldText(c.fields[key]))),
      ];
    }
  }
  return csv([...CONTACT_COLUMNS, ...fieldKeys], records());
}

/** The suppression list as CSV: phone, reason, note, created_at; the note neutralised. */
export function suppressionsCsv(items: AsyncIterable<Suppression>): Readable {
  async function* records(): AsyncGenerator<string[]> {
    for await (const s of items) {
      yield [s.phone, s.reason, text(s.note), new Date(s.createdAt).toISOString()];
    }
  }
  return csv(SUPPRESSION_COLUMNS, records());
}

function fieldText(value: FieldValue | undefined): string | null {
  return value === undefined || value === null ? null : String(value);
}
