import type { Delimiter } from './csv-dialect.ts';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/**
 * Picks the delimiter from the header: whichever of `,` `;` tab occurs most often outside
 * quotes on the first line with content (ties go to `,` then `;`, a header with none of
 * them is one column read with `,`). Quotes simply toggle here, since the field rules
 * depend on the delimiter being sought; the header only needs to be told apart, not read.
 * Returns null while `bytes` do not yet hold that whole line and more may come.
 */
export function detectDelimiter(bytes: Uint8Array, final: boolean): Delimiter | null {
  let quoted = false;
  let content = false;
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      quoted = !quoted;
      content = true;
    } else if (quoted) {
    } else if (b === CR || b === LF) {
      if (content) return pick(comma, semicolon, tab);
      comma = semicolon = tab = 0;
    } else if (b === COMMA) {
      comma++;
    } else if (b === SEMICOLON) {
      semicolon++;
    } else if (b === TAB) {
      tab++;
    } else if (b !== SPACE) {
      content = true;
    }
  }
  return final ? pick(comma, semicolon, tab) : null;
}

function pick(comma: number, semicolon: number, tab: number): Delimiter {
  if (comma >= semicolon && comma >= tab) return ',';
  return semicolon >= tab ? ';' : '\t';
}
