import { type Delimiter, MAX_RECORD_BYTES } from './csv-dialect.ts';

/** Where and why a CSV cannot be read. */
export interface CsvFault {
  line: number;
  detail: string;
}

/** How large the pieces a file is cut into may be: data records and bytes. */
export interface PieceSize {
  rows: number;
  bytes: number;
  /** Records of the first piece when fewer than `rows`; each next one doubles, up to `rows`. */
  firstRows?: number;
}

const UNCUT: PieceSize = { rows: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };

/**
 * Where a record starts: the byte offset of its first byte and the line it is on. Reading
 * the file from `byte` with csv-parse yields the records from there on, exactly as reading
 * it from the start would, and the first of them begins on `line`.
 */
export interface RecordStart {
  byte: number;
  line: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

// Scanner states. Numbers, not strings: the loop below runs once per uploaded byte.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted value: it closes the value, or escapes a second quote. */
const QUOTE_IN_QUOTED = 3;

/**
 * Follows a CSV's structure byte by byte, the way csv-parse reads it with
 * `csvParseOptions`, without building any value: lines, where records end, whether
 * quotes balance, how many records hold data. It runs on the main thread while an upload
 * streams to disk, so it is one flat loop over numbers (several hundred MB/s) rather than a
 * parse.
 *
 * It is stricter than csv-parse in one place: text after a closing quote (`"a"b`), which
 * csv-parse in relaxed mode would glue into a value nobody meant, is a fault here. Every file
 * the scanner accepts, csv-parse reads into the same records.
 *
 * Lines count CRLF, LF and lone CR once each, inside quoted values too, so a line number
 * is what an editor shows.
 */
export class CsvScanner {
  readonly #delimiter: number;
  #state = FIELD_START;
  #line = 1;
  #recordLine = 1;
  #quoteLine = 0;
  #content = false;
  #afterCr = false;
  #offset = 0;
  #recordStart = 0;
  #headerEnd = -1;
  #dataRecords = 0;
  readonly #pieces: PieceSize;
  #pieceStart = 0;
  #pieceRecords = 0;
  #pieceRows: number;
  #markDue = false;
  readonly #marks: RecordStart[] = [];

  /**
   * With `pieces`, the scanner also notes where the file can be cut into pieces that are
   * read independently (see {@link marks}).
   */
  constructor(delimiter: Delimiter, pieces: PieceSize = UNCUT) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#pieces = pieces;
    this.#pieceRows = Math.min(pieces.rows, pieces.firstRows ?? pieces.rows);
  }

  /** The line the next byte is on. */
  get line(): number {
    return this.#line;
  }

  /** Byte offset where the header record ends (its line break, or the end); -1 until seen. */
  get headerEnd(): number {
    return this.#headerEnd;
  }

  /** Records after the header that hold at least one value. */
  get dataRecords(): number {
    return this.#dataRecords;
  }

  /**
   * Where each piece but the first starts: a piece ends after the data record that makes
   * it `pieces.rows` records (fewer for the first ones with `firstRows`) or `pieces.bytes`
   * bytes long, whichever comes first; the last holds the rest. A mark is noted only if a
   * byte follows it.
   */
  get marks(): readonly RecordStart[] {
    return this.#marks;
  }

  /** Reads the next bytes; the first call must start at the file's first byte. */
  scan(bytes: Uint8Array): CsvFault | null {
    const d = this.#delimiter;
    const n = bytes.length;
    let state = this.#state;
    let line = this.#line;
    let content = this.#content;
    let afterCr = this.#afterCr;
    let markDue = this.#markDue;
    let i = 0;
    if (this.#offset === 0 && n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      i = 3;
      this.#recordStart = 3;
    }
    for (; i < n; i++) {
      const b = bytes[i];
      if (afterCr) {
        afterCr = false;
        if (b === LF) continue;
      }
      // Set at the end of a record; noted here, past the LF of a CRLF, where the next
      // record really starts (a piece starting on that LF would read an extra blank line).
      if (markDue) {
        markDue = false;
        this.#pieceStart = this.#offset + i;
        this.#marks.push({ byte: this.#pieceStart, line });
      }
      if (state === QUOTED) {
        if (b === QUOTE) {
          state = QUOTE_IN_QUOTED;
          continue;
        }
        if (b === LF) line++;
        else if (b === CR) {
          line++;
          afterCr = true;
        }
        // A line break inside quotes is part of the value (csv-parse keeps it): content too.
        if (b !== SPACE && b !== TAB) content = true;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (b === QUOTE) {
          state = QUOTED;
          content = true;
          continue;
        }
        if (b === d) {
          state = FIELD_START;
          continue;
        }
        if (b !== LF && b !== CR) {
          this.#save(state, line, content, afterCr, markDue, i);
          return {
            line,
            detail: 'text follows a closing quote; quote the whole value and write each " inside it as ""',
          };
        }
      } else if (b === d) {
        state = FIELD_START;
        continue;
      } else if (b !== LF && b !== CR) {
        if (b === QUOTE && state === FIELD_START) {
          state = QUOTED;
          this.#quoteLine = line;
        } else {
          state = UNQUOTED;
          if (b !== SPACE && b !== TAB) content = true;
        }
        continue;
      }
      // A line break outside quotes: the record ends.
      line++;
      if (b === CR) afterCr = true;
      if (content && this.#countRecord(this.#offset + i)) markDue = true;
      content = false;
      state = FIELD_START;
      this.#recordLine = line;
      this.#recordStart = this.#offset + i + 1;
    }
    this.#save(state, line, content, afterCr, markDue, n);
    if (this.#offset - this.#recordStart > MAX_RECORD_BYTES) {
      return {
        line: this.#recordLine,
        detail: `the record starting here is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; is a quote left open?`,
      };
    }
    return null;
  }

  /** Call at the end of the file. */
  end(): CsvFault | null {
    if (this.#state === QUOTED) {
      return {
        line: this.#quoteLine,
        detail: 'a quoted value starting on this line is never closed; a " is missing',
      };
    }
    if (this.#content) this.#countRecord(this.#offset);
    this.#content = false;
    return null;
  }

  /** Counts a record that ended at `end`; says whether the next one starts a piece. */
  #countRecord(end: number): boolean {
    if (this.#headerEnd < 0) {
      this.#headerEnd = end;
      return false;
    }
    this.#dataRecords++;
    this.#pieceRecords++;
    if (this.#pieceRecords < this.#pieceRows && end - this.#pieceStart < this.#pieces.bytes) return false;
    this.#pieceRecords = 0;
    this.#pieceRows = Math.min(this.#pieces.rows, this.#pieceRows * 2);
    return true;
  }

  #save(
    state: number,
    line: number,
    content: boolean,
    afterCr: boolean,
    markDue: boolean,
    consumed: number,
  ): void {
    this.#state = state;
    this.#markDue = markDue;
    this.#line = line;
    this.#content = content;
    this.#afterCr = afterCr;
    this.#offset += consumed;
  }
}
