import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { neutraliseFormula } from '../domain/csv-cell.ts';

/** A cell someone could have typed: neutralised so a spreadsheet evaluates nothing. */
export function safeCell(value: string | null): string {
  return value === null ? '' : neutraliseFormula(value);
}

/**
 * Records as CSV (UTF-8 without BOM, `,`, LF), streamed. A source error (the database went
 * away mid-export) destroys the returned stream with that error, so an HTTP reply is cut
 * short rather than ending as if the file were whole.
 */
export function csvStream(columns: string[], records: AsyncIterable<string[]>): Readable {
  const out = stringify({ header: true, columns, bom: false });
  pipeline(Readable.from(records), out, () => {});
  return out;
}
