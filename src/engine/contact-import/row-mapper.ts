import { type FieldValue, MAX_TAGS, normaliseLabel, normaliseTags } from '../../domain/contact.ts';
import { restoreNeutralised } from '../../domain/csv-cell.ts';
import type { ImportOptions, ImportRejection } from '../../domain/job.ts';
import { normalisePhone } from '../../domain/phone.ts';
import { type ColumnPlan, planColumns } from './column-mapping.ts';
import { isBlankCell } from './csv-dialect.ts';

/** One CSV row after mapping and phone normalisation. Undefined means "no value". */
export interface ImportRow {
  line: number;
  phone: string;
  name?: string;
  status?: string;
  tags: string[];
  fields: Record<string, FieldValue>;
}

export const MAX_NAME_LENGTH = 200;

/**
 * Turns one CSV record into a contact row, or into the reason it cannot be one. Cells are
 * trimmed; an empty cell is "no value" and is left out, so importing a sparse sheet never
 * erases what a contact already has. A cell Kurir's export neutralised (`'=…`) is restored.
 */
export class RowMapper {
  readonly #columns: ColumnPlan;
  readonly #width: number;
  readonly #defaultCountry: string | null;
  readonly #extraTags: string[];
  readonly #tagSplit: RegExp;

  constructor(header: readonly string[], options: ImportOptions, defaultCountry: string | null) {
    this.#columns = planColumns(header, options.mapping);
    this.#width = header.length;
    this.#defaultCountry = defaultCountry;
    this.#extraTags = options.tags;
    this.#tagSplit = new RegExp(`[${options.tagSeparator.replace(/[\\\]^-]/g, '\\$&')}]`);
  }

  /** `line` is where the record starts in the file; a rejection carries it. */
  map(record: readonly string[], line: number): ImportRow | ImportRejection {
    if (record.length > this.#width) {
      let values = 0;
      for (let i = this.#width; i < record.length; i++) if (!isBlankCell(record[i] as string)) values++;
      if (values > 0) {
        return {
          line,
          reason: `has ${values} more value${values === 1 ? '' : 's'} than the header has columns; is a value with the delimiter in it not quoted?`,
        };
      }
    }
    const c = this.#columns;
    const phone = normalisePhone(record[c.phone] ?? '', this.#defaultCountry);
    if (!phone.ok) return { line, reason: `phone: ${phone.reason}` };

    const row: ImportRow = { line, phone: phone.e164, tags: this.#extraTags, fields: {} };
    const name = cell(record, c.name);
    if (name !== '') row.name = name.length > MAX_NAME_LENGTH ? truncate(name, MAX_NAME_LENGTH) : name;
    const status = normaliseLabel(cell(record, c.status));
    if (status !== '') row.status = status;
    const tagCell = cell(record, c.tags);
    if (tagCell !== '') {
      const tags = normaliseTags([...tagCell.split(this.#tagSplit), ...this.#extraTags]);
      if (tags.length > MAX_TAGS)
        return { line, reason: `tags: has ${tags.length} tags; at most ${MAX_TAGS}` };
      row.tags = tags;
    }
    const fields: Record<string, FieldValue> = row.fields;
    for (const [key, index] of c.fields) {
      const value = cell(record, index);
      if (value !== '') fields[key] = value;
    }
    return row;
  }
}

function cell(record: readonly string[], index: number): string {
  if (index < 0) return '';
  const value = record[index];
  return value === undefined || value === '' ? '' : restoreNeutralised(value.trim());
}

/** Cuts at a code point boundary, so an emoji at the limit is not split into garbage. */
function truncate(value: string, length: number): string {
  return Array.from(value).slice(0, length).join('');
}
