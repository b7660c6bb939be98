/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage
 * return, that some spreadsheets strip before doing so). OWASP's CSV injection advice.
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Makes a cell inert when a spreadsheet opens the CSV: a value a contact or an API caller
 * wrote (`=HYPERLINK(...)`, `@SUM(...)`) must not run in the spreadsheet of whoever exports
 * it. The leading `'` is what spreadsheets themselves use to mean "this is text".
 */
export function neutraliseFormula(value: string): string {
  return value.length > 0 && FORMULA_START.has(value[0] as string) ? `'${value}` : value;
}

/**
 * The inverse, for import: a cell `'=…` (or `'-5`) is taken to be one Kurir's export
 * neutralised, so exporting and importing again gives back the stored value. A value that
 * truly started with `'` followed by one of those characters loses the `'`; that is the
 * price of lossless round trips and the case is rare.
 */
export function restoreNeutralised(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.has(value[1] as string)
    ? value.slice(1)
    : value;
}
