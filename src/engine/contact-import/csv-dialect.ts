import type { Options } from 'csv-parse';

export type Delimiter = ',' | ';' | '\t';

export const delimiters: readonly Delimiter[] = [',', ';', '\t'];

/**
 * How every CSV of an import is read, by the upload check and by the import worker alike,
 * so that both agree on where each record starts and ends:
 * - CRLF, LF and a lone CR all end a record (files from old Macs, and files with mixed
 *   endings after hand edits, read as their author sees them);
 * - a quote opens a quoted value only as a field's first byte; one inside an unquoted value
 *   is a literal character (`relax_quotes`), as spreadsheets write `5" screen`;
 * - rows may be shorter or longer than the header (`relax_column_count`): a short row's
 *   missing cells are empty, a long row is judged by whether its extra cells hold values.
 */
export function csvParseOptions(delimiter: Delimiter): Options {
  return {
    bom: true,
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    // A safety net only: the upload check already refused records this long.
    max_record_size: MAX_RECORD_BYTES,
  };
}

/** Longest record accepted; anything longer is almost always a quote left open. */
export const MAX_RECORD_BYTES = 1024 * 1024;

const BLANK_CELL = /^[ \t]*$/;

/** A cell with no value: empty, or only ASCII spaces and tabs. */
export function isBlankCell(cell: string): boolean {
  return cell.length === 0 || BLANK_CELL.test(cell);
}

/**
 * A record with no value in any cell: an empty line, or `,,,` as spreadsheets write for
 * empty rows. Skipped, never rejected nor counted. Only ASCII space and tab count as blank,
 * which is exactly what the byte-level upload check can see.
 */
export function isBlankRecord(record: readonly string[]): boolean {
  for (const cell of record) if (!isBlankCell(cell)) return false;
  return true;
}

/**
 * Line breaks inside a record's values (only quoted values have any), counted as the upload
 * check counts them: CRLF, LF and lone CR once each. The record's own ending adds one more.
 */
export function lineBreaksIn(record: readonly string[]): number {
  let breaks = 0;
  for (const cell of record) {
    if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 0x0a) breaks++;
      else if (c === 0x0d) {
        breaks++;
        if (cell.charCodeAt(i + 1) === 0x0a) i++;
      }
    }
  }
  return breaks;
}
