import { Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { KurirError } from '../../domain/errors.ts';
import { csvParseOptions, type Delimiter, isBlankRecord, MAX_RECORD_BYTES } from './csv-dialect.ts';
import { type CsvFault, CsvScanner, type PieceSize, type RecordStart } from './csv-scanner.ts';
import { detectDelimiter } from './detect-delimiter.ts';
import { Utf8Validator } from './utf8-validator.ts';

/** What an accepted upload looks like. */
export interface CsvShape {
  delimiter: Delimiter;
  /** The header's cells, trimmed. */
  header: string[];
  /** Data records: those after the header with a value in some cell. */
  totalRows: number;
  /**
   * Where the file can be cut into segments that are read independently, the first
   * segment's start (the file's) left out: none when the inspector was given no size.
   */
  segmentStarts: RecordStart[];
}

/**
 * Checks an upload on its way to disk, in the same single pass: UTF-8, CSV structure,
 * delimiter and header. Any fault errors the stream, so `FileStorage.save` keeps nothing
 * and the caller gets `import.invalid_csv` naming the line. Bytes pass through unchanged.
 *
 * The header is buffered until it ends (at most {@link MAX_RECORD_BYTES}); after that only
 * the scanner's few numbers are kept, whatever the file's size.
 */
export class CsvInspector extends Transform {
  #delimiter: Delimiter | null;
  readonly #segments: PieceSize | undefined;
  readonly #utf8 = new Utf8Validator();
  #scanner: CsvScanner | null = null;
  /** Bytes from the start of the file, kept until the header is read. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #header: string[] | null = null;
  #size = 0;

  /** With `segments`, the shape also says where to cut the file into segments that size. */
  constructor(delimiter?: Delimiter, segments?: PieceSize) {
    super();
    this.#delimiter = delimiter ?? null;
    this.#segments = segments;
  }

  /** The upload's shape; only valid once the stream has finished without error. */
  shape(): CsvShape {
    if (this.#scanner === null || this.#header === null || this.#delimiter === null) {
      throw new Error('CsvInspector.shape() called before the upload finished');
    }
    return {
      delimiter: this.#delimiter,
      header: this.#header,
      totalRows: this.#scanner.dataRecords,
      segmentStarts: [...this.#scanner.marks],
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const fault = this.#inspect(chunk);
    if (fault !== null) done(invalidCsv(fault));
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const fault = this.#finish();
    if (fault !== null) done(invalidCsv(fault));
    else done();
  }

  #inspect(chunk: Buffer): CsvFault | null {
    if (this.#size === 0 && chunk.length >= 2 && isUtf16Bom(chunk[0] as number, chunk[1] as number)) {
      return { line: 1, detail: 'the file is UTF-16, not UTF-8 (save it as CSV UTF-8)' };
    }
    this.#size += chunk.length;
    const encodingFault = this.#encodingFault(chunk);
    if (encodingFault !== null) return encodingFault;
    if (this.#scanner === null) {
      this.#hold(chunk);
      if (this.#size < 3) return null;
      const delimiter = this.#delimiter ?? detectDelimiter(Buffer.concat(this.#held), false);
      if (delimiter === null) {
        return this.#heldBytes > MAX_RECORD_BYTES
          ? { line: 1, detail: `the header line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB` }
          : null;
      }
      return this.#startScanner(delimiter).fault;
    }
    if (this.#header === null) this.#hold(chunk);
    return this.#scan(this.#scanner, chunk);
  }

  /** Bytes that cannot be text of a UTF-8 CSV: invalid sequences and NUL (UTF-16, binaries). */
  #encodingFault(chunk: Buffer): CsvFault | null {
    const invalid = this.#utf8.push(chunk);
    const nul = chunk.indexOf(0);
    if (invalid < 0 && nul < 0) return null;
    const at = invalid < 0 ? nul : nul < 0 ? invalid : Math.min(invalid, nul);
    const detail =
      at === nul
        ? 'the file contains NUL bytes, so it is not a UTF-8 text file (save it as CSV UTF-8)'
        : 'the file is not UTF-8 (save it as CSV UTF-8)';
    return { line: this.#lineBefore(chunk.subarray(0, at)), detail };
  }

  /** The line on which the byte after `prefix` (the start of the current chunk) lies. */
  #lineBefore(prefix: Buffer): number {
    if (this.#scanner !== null) {
      // The structure before the bad byte is fine or it would have faulted already;
      // if it is not, the encoding is the better thing to tell the user anyway.
      this.#scanner.scan(prefix);
      return this.#scanner.line;
    }
    return countLines(Buffer.concat([...this.#held, prefix]));
  }

  #hold(chunk: Buffer): void {
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
  }

  #startScanner(delimiter: Delimiter): { scanner: CsvScanner; fault: CsvFault | null } {
    this.#delimiter = delimiter;
    const scanner = new CsvScanner(delimiter, this.#segments);
    this.#scanner = scanner;
    return { scanner, fault: this.#scan(scanner, Buffer.concat(this.#held)) };
  }

  #scan(scanner: CsvScanner, bytes: Buffer): CsvFault | null {
    const fault = scanner.scan(bytes);
    if (fault !== null) return fault;
    if (this.#header === null) return this.#readHeader(scanner, false);
    return null;
  }

  #finish(): CsvFault | null {
    if (this.#size === 0) return { line: 1, detail: 'the file is empty' };
    if (!this.#utf8.end()) {
      return {
        line: this.#scanner?.line ?? countLines(Buffer.concat(this.#held)),
        detail: 'the file is not UTF-8 (save it as CSV UTF-8)',
      };
    }
    let scanner = this.#scanner;
    if (scanner === null) {
      const started = this.#startScanner(
        this.#delimiter ?? detectDelimiter(Buffer.concat(this.#held), true) ?? ',',
      );
      if (started.fault !== null) return started.fault;
      scanner = started.scanner;
    }
    const fault = scanner.end();
    if (fault !== null) return fault;
    if (this.#header === null) return this.#readHeader(scanner, true);
    return null;
  }

  /** Once the scanner has passed the header's end, reads its cells from the held bytes. */
  #readHeader(scanner: CsvScanner, final: boolean): CsvFault | null {
    if (scanner.headerEnd < 0) {
      if (final) return { line: scanner.line, detail: 'the file has no header line, only blank lines' };
      if (this.#heldBytes > 2 * MAX_RECORD_BYTES) {
        return { line: scanner.line, detail: 'no header line in the first 2 MiB, only blank lines' };
      }
      return null;
    }
    const bytes = Buffer.concat(this.#held).subarray(0, scanner.headerEnd);
    const records = parse(bytes, csvParseOptions(this.#delimiter ?? ',')) as string[][];
    const header = records.find((r) => !isBlankRecord(r)) ?? [];
    this.#header = header.map((cell) => cell.trim());
    this.#held = [];
    this.#heldBytes = 0;
    return null;
  }
}

function isUtf16Bom(first: number, second: number): boolean {
  return (first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff);
}

/** Lines as the scanner counts them (CRLF, LF and lone CR once each), for faults before it starts. */
function countLines(bytes: Uint8Array): number {
  let line = 1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d) {
      line++;
      if (bytes[i + 1] === 0x0a) i++;
    }
  }
  return line;
}

function invalidCsv(fault: CsvFault): KurirError {
  return new KurirError('import.invalid_csv', `The CSV cannot be read: line ${fault.line}: ${fault.detail}`, {
    errors: [{ line: fault.line, detail: fault.detail }],
  });
}
