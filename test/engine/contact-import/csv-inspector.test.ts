import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { KurirError } from '../../../src/domain/errors.ts';
import {
  csvParseOptions,
  type Delimiter,
  isBlankRecord,
  lineBreaksIn,
} from '../../../src/engine/contact-import/csv-dialect.ts';
import { CsvInspector, type CsvShape } from '../../../src/engine/contact-import/csv-inspector.ts';
import type { PieceSize } from '../../../src/engine/contact-import/csv-scanner.ts';

/** Streams `csv` through an inspector in `chunkSize`-byte chunks and returns what it saw. */
async function inspect(
  csv: string | Buffer,
  options: { chunkSize?: number; delimiter?: Delimiter; segments?: PieceSize } = {},
): Promise<CsvShape> {
  const bytes = typeof csv === 'string' ? Buffer.from(csv) : csv;
  const size = options.chunkSize ?? 65536;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const inspector = new CsvInspector(options.delimiter, options.segments);
  let passed = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      passed += chunk.length;
      done();
    },
  });
  await pipeline(Readable.from(chunks), inspector, sink);
  assert.equal(passed, bytes.length, 'every byte passes through unchanged');
  return inspector.shape();
}

/** The fault an upload is refused with: its line and reason. */
async function fault(csv: string | Buffer, chunkSize?: number): Promise<{ line: number; detail: string }> {
  try {
    await inspect(csv, chunkSize === undefined ? {} : { chunkSize });
  } catch (error) {
    assert.ok(error instanceof KurirError, `expected a KurirError, got ${error}`);
    assert.equal(error.code, 'import.invalid_csv');
    assert.equal(error.status, 422);
    const [first] = error.errors ?? [];
    assert.ok(first?.line !== undefined);
    assert.ok(error.detail.includes(`line ${first.line}:`), 'the message names the line');
    return { line: first.line, detail: first.detail };
  }
  assert.fail('the upload was accepted');
}

interface ReadRecord {
  line: number;
  record: string[];
}

/**
 * The data records of each segment with the line each starts on, read as the import worker
 * reads them: from the segment's first byte to the next's, a BOM only at the file's start.
 */
function readSegments(csv: string, shape: CsvShape): ReadRecord[][] {
  const bytes = Buffer.from(csv);
  const starts = [{ byte: 0, line: 1 }, ...shape.segmentStarts];
  return starts.map((start, i) => {
    const piece = bytes.subarray(start.byte, starts[i + 1]?.byte ?? bytes.length);
    const options = { ...csvParseOptions(shape.delimiter), bom: start.byte === 0 };
    let line = start.line;
    let header = start.byte === 0;
    const out: ReadRecord[] = [];
    for (const record of parse(piece, options) as string[][]) {
      const at = line;
      line += 1 + lineBreaksIn(record);
      if (isBlankRecord(record)) continue;
      if (header) header = false;
      else out.push({ line: at, record });
    }
    return out;
  });
}

describe('CsvInspector', () => {
  test('reads the header and counts data rows, with or without a BOM', async () => {
    const csv = 'Phone,Name\n+4915123456789,Anna\n+4915223456789,Ben\n';
    assert.deepEqual(await inspect(csv), {
      delimiter: ',',
      header: ['Phone', 'Name'],
      totalRows: 2,
      segmentStarts: [],
    });
    assert.deepEqual(await inspect(`\uFEFF${csv}`), {
      delimiter: ',',
      header: ['Phone', 'Name'],
      totalRows: 2,
      segmentStarts: [],
    });
  });

  test('detects comma, semicolon and tab from the header, quotes aside', async () => {
    assert.equal((await inspect('a,b;c\n1,2;3\n')).delimiter, ',');
    assert.equal((await inspect('Name;Phone;"City, State"\nA;1;X\n')).delimiter, ';');
    assert.equal((await inspect('Name\tPhone\tCity;Town\nA\t1\tX\n')).delimiter, '\t');
    assert.equal((await inspect('phone\n+4915123456789\n')).delimiter, ',', 'one column reads as comma');
    assert.equal((await inspect('a,b;c;d\n', { delimiter: ',' })).delimiter, ',', 'a given delimiter wins');
  });

  test('a header-only file has no rows; a last row without a line break counts', async () => {
    assert.equal((await inspect('phone,name\n')).totalRows, 0);
    assert.equal((await inspect('phone,name')).totalRows, 0);
    assert.equal((await inspect('phone,name\n1,a')).totalRows, 1);
  });

  test('quoted values may hold delimiters, doubled quotes and line breaks of every kind', async () => {
    const csv = 'name,phone\r\n"Doe, ""JD""\r\nJohn",1\r\n"a\nb\rc",2\r\nplain,3';
    const shape = await inspect(csv);
    assert.equal(shape.totalRows, 3);
    assert.deepEqual(shape.header, ['name', 'phone']);
  });

  test('blank lines, whitespace lines and rows of empty cells are not rows', async () => {
    const shape = await inspect('\n\nphone,name\n\n1,a\n  \n,,\n"",""\n2,b\n\n');
    assert.deepEqual(shape.header, ['phone', 'name']);
    assert.equal(shape.totalRows, 2);
  });

  test('a quote inside an unquoted value is a plain character', async () => {
    assert.equal((await inspect('name,size\nTV 5" screen,1\nab"c,2\n')).totalRows, 2);
  });

  test('chunk boundaries anywhere give the same answer', async () => {
    const csv = '\uFEFFName;Phone\r\n"Zoë\r\n""Z""";+49 151 1\r\nJürgen;0151 2\r\n';
    const whole = await inspect(csv);
    assert.deepEqual(whole, { delimiter: ';', header: ['Name', 'Phone'], totalRows: 2, segmentStarts: [] });
    for (const chunkSize of [1, 2, 3, 5, 7]) assert.deepEqual(await inspect(csv, { chunkSize }), whole);
  });

  test('cuts the file into segments that read, one by one, as the whole file does', async () => {
    const csv = '\uFEFFphone,name\r\n1,a\r\n\r\n2,"b\r\nb"\r\n3,c\n,,\n4,d\r5,e';
    const whole = readSegments(csv, await inspect(csv)).flat();
    assert.deepEqual(
      whole.map((r) => [r.line, r.record[0]]),
      [
        [2, '1'],
        [4, '2'],
        [6, '3'],
        [8, '4'],
        [9, '5'],
      ],
    );
    for (const chunkSize of [1, 2, 3, 65536]) {
      const shape = await inspect(csv, { chunkSize, segments: { rows: 2, bytes: Infinity } });
      assert.equal(shape.totalRows, 5);
      const segments = readSegments(csv, shape);
      assert.deepEqual(
        segments.map((s) => s.length),
        [2, 2, 1],
      );
      assert.deepEqual(segments.flat(), whole);
      // The first cut is after the CRLF that ends "b\r\nb", not on its LF.
      assert.deepEqual(shape.segmentStarts[0], {
        byte: Buffer.byteLength('\uFEFFphone,name\r\n1,a\r\n\r\n2,"b\r\nb"\r\n'),
        line: 6,
      });
    }
  });

  test('a segment ends early once it holds the byte limit, and no cut is made at the very end', async () => {
    const csv = 'phone\n1111111111\n2\n3\n4444444444\n5\n';
    const shape = await inspect(csv, { segments: { rows: 100, bytes: 10 } });
    assert.deepEqual(
      readSegments(csv, shape).map((s) => s.map((r) => r.record[0])),
      [['1111111111'], ['2', '3', '4444444444'], ['5']],
    );
    const exact = await inspect('phone\n1\n2\n', { segments: { rows: 2, bytes: Infinity } });
    assert.deepEqual(exact.segmentStarts, []);
  });

  test('with firstRows, segments start small and double up to the row limit', async () => {
    const csv = `phone\n${Array.from({ length: 20 }, (_, i) => String(i)).join('\n')}\n`;
    for (const chunkSize of [1, 7, 65536]) {
      const shape = await inspect(csv, { chunkSize, segments: { rows: 6, bytes: Infinity, firstRows: 1 } });
      assert.deepEqual(
        readSegments(csv, shape).map((s) => s.length),
        [1, 2, 4, 6, 6, 1],
      );
    }
  });

  test('an unclosed quote is refused at the line it opens', async () => {
    const f = await fault('name,phone\na,1\n"b,2\nc,3\nd,4\n');
    assert.equal(f.line, 3);
    assert.match(f.detail, /never closed/);
  });

  test('text after a closing quote is refused with its line', async () => {
    const f = await fault('name,phone\n"a",1\n"b"x,2\n');
    assert.equal(f.line, 3);
    assert.match(f.detail, /closing quote/);
  });

  test('Latin-1 bytes are refused with the line they are on, however the upload is chunked', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('name,phone\nAnna,1\n"multi\nline",2\n'),
      Buffer.from('J\xfcrgen,3\n', 'latin1'),
    ]);
    for (const chunkSize of [undefined, 1, 4]) {
      const f = await fault(latin1, chunkSize);
      assert.equal(f.line, 5);
      assert.equal(f.detail, 'the file is not UTF-8 (save it as CSV UTF-8)');
    }
  });

  test('a file cut inside a UTF-8 character is not UTF-8', async () => {
    const f = await fault(Buffer.concat([Buffer.from('name,phone\nZ'), Buffer.from('ö').subarray(0, 1)]));
    assert.match(f.detail, /not UTF-8/);
  });

  test('UTF-16 and NUL bytes are refused as not UTF-8 text', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\n1\n', 'utf16le')]);
    assert.match((await fault(utf16)).detail, /UTF-16/);
    assert.match((await fault(Buffer.from('phone\n1\u0000\n'))).detail, /NUL/);
  });

  test('an empty file, or one of blank lines only, has no header', async () => {
    assert.deepEqual(await fault(''), { line: 1, detail: 'the file is empty' });
    assert.match((await fault('\n\n  \n')).detail, /no header/);
  });

  test('a huge single line is refused without reading it whole', async () => {
    const f = await fault(`phone,${'x'.repeat(3 * 1024 * 1024)}`);
    assert.equal(f.line, 1);
    assert.match(f.detail, /longer than 1 MiB/);
    const g = await fault(`phone,name\n1,a\n2,${'y'.repeat(2 * 1024 * 1024)}\n`);
    assert.equal(g.line, 3);
  });

  test('whatever it accepts, csv-parse reads into the same header and rows, whole or in segments', () => {
    const cell = fc.oneof(
      // Unquoted: any character, a quote only after the first (else it would open quoting).
      fc.stringMatching(/^([a-zü ,;\t\r\n][a-zü ,;"\t\r\n]{0,5})?$/),
      fc.stringMatching(/^[a-z"]{1,6}$/),
      fc.stringMatching(/^[a-z ,;\r\n]{0,4}$/).map((s) => `"${s}"`),
      fc.stringMatching(/^[a-z"]{0,4}$/).map((s) => `"${s.replace(/"/g, '""')}"`),
    );
    const line = fc
      .array(cell, { minLength: 1, maxLength: 4 })
      .chain((cells) => fc.constantFrom(',', ';').map((d) => cells.join(d)));
    const file = fc.tuple(
      fc.array(line, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 3 }),
    );
    return fc.assert(
      fc.asyncProperty(file, async ([lines, eol, bom, chunkSize, segmentRows]) => {
        const csv = `${bom ? '\uFEFF' : ''}${lines.join(eol)}`;
        let shape: CsvShape;
        try {
          shape = await inspect(csv, { chunkSize, segments: { rows: segmentRows, bytes: Infinity } });
        } catch (error) {
          if (error instanceof KurirError && error.code === 'import.invalid_csv') return;
          throw error;
        }
        const records = parse(csv, csvParseOptions(shape.delimiter)) as string[][];
        const filled = records.filter((r) => !isBlankRecord(r));
        assert.deepEqual(
          shape.header,
          filled[0]?.map((c) => c.trim()),
        );
        assert.equal(shape.totalRows, filled.length - 1);
        const whole = readSegments(csv, { ...shape, segmentStarts: [] })[0] ?? [];
        const segments = readSegments(csv, shape);
        assert.deepEqual(segments.flat(), whole, 'segments read as the whole file does');
        for (const segment of segments.slice(0, -1)) assert.equal(segment.length, segmentRows);
      }),
      { numRuns: 600 },
    );
  });
});
