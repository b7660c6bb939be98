import { FIELD_KEY_PATTERN, MAX_FIELDS, toFieldKey } from '../../domain/contact.ts';
import { type FieldError, KurirError, pointerEscape } from '../../domain/errors.ts';
import type { ColumnMapping } from '../../domain/job.ts';

/** A mapping as a caller writes it: header names, all optional; see {@link resolveMapping}. */
export interface MappingRequest {
  phone?: string;
  name?: string;
  tags?: string;
  status?: string;
  fields?: Record<string, string>;
}

type Property = 'phone' | 'name' | 'tags' | 'status';

/**
 * Header names that auto-mapping reads as each property, compared after {@link looseName}.
 * Order is priority: with both `Phone` and `Mobile`, `Phone` is the phone and `Mobile`
 * becomes a custom field. English first, then the languages of Kurir's first users.
 */
const synonyms: Record<Property, string[]> = {
  phone: [
    'phone',
    'phone number',
    'mobile',
    'mobile number',
    'mobile phone',
    'whatsapp',
    'whatsapp number',
    'number',
    'cell',
    'cell phone',
    'telephone',
    'tel',
    'msisdn',
    'telefon',
    'telefonnummer',
    'handy',
    'handynummer',
    'mobil',
    'mobilnummer',
    'telephone portable',
    'telefono',
    'celular',
    'no hp',
    'nomor hp',
    'nomor whatsapp',
  ],
  name: ['name', 'full name', 'fullname', 'contact name', 'display name', 'nama', 'nom', 'nombre'],
  tags: ['tags', 'tag', 'groups', 'group', 'labels', 'label'],
  status: ['status', 'lead status', 'contact status'],
};

/**
 * Columns Kurir's own export writes that an import cannot set (ids, timestamps, consent),
 * left out of auto-mapping so an exported file imports back without turning them into
 * custom fields. An explicit mapping can still take them.
 */
const exportOnly = new Set(['id', 'created at', 'updated at', 'consent at', 'consent source']);

/** How an explicit mapping names a column: trimmed, any case. */
function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

/** How auto-mapping compares headers: `Phone_Number`, `phone-number` and `Téléphone` read as words. */
function looseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Decides which column feeds which contact property, or says why it cannot.
 * - Without `requested`, columns are mapped by header name (see `synonyms`); every other
 *   non-empty header becomes a custom field keyed by `toFieldKey(header)`, except the
 *   `exportOnly` ones.
 * - With `requested`, it is the whole mapping: unnamed columns are not imported. Names
 *   match headers trimmed and case-insensitively.
 * A column named twice in the header cannot be mapped (which one was meant?); a phone
 * column is required. Every problem is reported at once, each with its JSON Pointer.
 */
export function resolveMapping(
  header: readonly string[],
  requested: MappingRequest | undefined,
): ColumnMapping {
  const errors: FieldError[] = [];
  const mapping = requested === undefined ? autoMap(header, errors) : checkMapping(header, requested, errors);
  if (errors.length > 0) {
    const shown = header.filter((h) => h !== '').join(', ');
    throw new KurirError(
      'import.invalid_mapping',
      `The column mapping does not fit the CSV (its header: ${shown === '' ? 'empty' : shown})`,
      { errors },
    );
  }
  return mapping;
}

function checkMapping(
  header: readonly string[],
  requested: MappingRequest,
  errors: FieldError[],
): ColumnMapping {
  const counts = headerCounts(header);
  const check = (pointer: string, column: string) => {
    const n = counts.get(columnKey(column)) ?? 0;
    if (n === 0) errors.push({ pointer, detail: `column "${column}" is not in the header` });
    else if (n > 1) errors.push({ pointer, detail: `column "${column}" appears ${n} times in the header` });
  };
  if (requested.phone === undefined) {
    errors.push({ pointer: '/mapping/phone', detail: 'is required: name the column holding phone numbers' });
  } else {
    check('/mapping/phone', requested.phone);
  }
  const mapping: ColumnMapping = { phone: requested.phone ?? '', fields: {} };
  for (const property of ['name', 'tags', 'status'] as const) {
    const column = requested[property];
    if (column === undefined) continue;
    check(`/mapping/${property}`, column);
    mapping[property] = column;
  }
  const fields = Object.entries(requested.fields ?? {});
  if (fields.length > MAX_FIELDS) {
    errors.push({
      pointer: '/mapping/fields',
      detail: `maps ${fields.length} fields; at most ${MAX_FIELDS}`,
    });
  }
  for (const [key, column] of fields) {
    const pointer = `/mapping/fields/${pointerEscape(key)}`;
    if (!FIELD_KEY_PATTERN.test(key)) {
      errors.push({
        pointer,
        detail: 'is not a valid field key: letters, digits and _, not starting with a digit, at most 64',
      });
    }
    check(pointer, column);
    mapping.fields[key] = column;
  }
  return mapping;
}

function autoMap(header: readonly string[], errors: FieldError[]): ColumnMapping {
  const counts = headerCounts(header);
  const taken = new Set<number>();
  const found: Partial<Record<Property, string>> = {};
  for (const property of ['phone', 'name', 'tags', 'status'] as const) {
    for (const synonym of synonyms[property]) {
      const index = header.findIndex((h, i) => !taken.has(i) && looseName(h) === synonym);
      if (index < 0) continue;
      const column = header[index] as string;
      const n = counts.get(columnKey(column)) ?? 0;
      if (n > 1) {
        errors.push({
          pointer: `/mapping/${property}`,
          detail: `column "${column}" appears ${n} times in the header; rename one or give a mapping`,
        });
      }
      taken.add(index);
      found[property] = column;
      break;
    }
  }
  if (found.phone === undefined) {
    errors.push({
      pointer: '/mapping/phone',
      detail: 'no column looks like a phone number (phone, mobile, whatsapp…); name it in mapping.phone',
    });
  }
  const fields: Record<string, string> = {};
  const sources = new Map<string, string>();
  header.forEach((column, index) => {
    if (taken.has(index) || column === '' || exportOnly.has(looseName(column))) return;
    const key = toFieldKey(column);
    if (key === null) return;
    const earlier = sources.get(key);
    if (earlier !== undefined) {
      errors.push({
        pointer: `/mapping/fields/${pointerEscape(key)}`,
        detail: `columns "${earlier}" and "${column}" would both fill this field; rename one or give a mapping`,
      });
      return;
    }
    sources.set(key, column);
    fields[key] = column;
  });
  if (sources.size > MAX_FIELDS) {
    errors.push({
      pointer: '/mapping/fields',
      detail: `the header has ${sources.size} other columns; at most ${MAX_FIELDS} custom fields, so give a mapping`,
    });
  }
  const mapping: ColumnMapping = { phone: found.phone ?? '', fields };
  for (const property of ['name', 'tags', 'status'] as const) {
    const column = found[property];
    if (column !== undefined) mapping[property] = column;
  }
  return mapping;
}

function headerCounts(header: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of header) counts.set(columnKey(h), (counts.get(columnKey(h)) ?? 0) + 1);
  return counts;
}

/** Where each mapped column is in a record; -1 when a property is not mapped. */
export interface ColumnPlan {
  phone: number;
  name: number;
  tags: number;
  status: number;
  fields: [key: string, index: number][];
}

/** Resolves a checked mapping to column positions in `header`. */
export function planColumns(header: readonly string[], mapping: ColumnMapping): ColumnPlan {
  const keys = header.map(columnKey);
  const at = (column: string | undefined) => {
    if (column === undefined) return -1;
    const index = keys.indexOf(columnKey(column));
    if (index < 0) throw new Error(`column "${column}" is no longer in the file's header`);
    return index;
  };
  return {
    phone: at(mapping.phone),
    name: at(mapping.name),
    tags: at(mapping.tags),
    status: at(mapping.status),
    fields: Object.entries(mapping.fields).map(([key, column]) => [key, at(column)]),
  };
}
