import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type Parser, parse } from 'csv-parse';
import { csvParseOptions, isBlankRecord, lineBreaksIn } from './csv-dialect.ts';
import { JsonTexts } from './json-texts.ts';
import { RowMapper } from './row-mapper.ts';
import { SegmentRows } from './segment-rows.ts';
import type { ChunkMessage, SegmentTask, WorkerInput, WorkerMessage } from './worker-messages.ts';

/**
 * The import's CPU work, off the main thread: read a segment of the stored CSV, normalise
 * each row (phone numbers dominate: libphonenumber's full metadata, ~8 µs a row), sort and
 * fold the segment (see `SegmentRows`) and post it in chunks the main thread writes one
 * transaction each. The main thread hands out segments one at a time per worker and only a
 * few ahead of the one it is writing, so memory stays flat whatever the file's size.
 */
const port = parentPort;
if (port === null) throw new Error('import-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;

/** A problem with the file, told to the user as the job's error. */
class FileProblem extends Error {}

let mapper: Promise<RowMapper> | null = null;
let work: Promise<void> = Promise.resolve();
/** The rows of the segment being read; segments are read one after another. */
const texts = new JsonTexts();

port.on('message', (task: SegmentTask) => {
  work = work.then(() => readSegment(task));
});

async function readSegment(task: SegmentTask): Promise<void> {
  try {
    mapper ??= readHeader();
    const rows = await readRows(task, await mapper);
    const span = (task.end ?? task.byte + rows.bytesRead) - task.byte;
    // The segment's field keys go with the first chunk sent for this task: a resumed run's
    // first chunk carries them again, whatever an earlier run wrote.
    let fieldKeys = rows.segment.fieldKeys;
    for (const chunk of rows.segment.chunks(input.options.onDuplicate, input.chunkItems, task.skipItems)) {
      post({
        kind: 'chunk',
        seq: task.seq,
        ...chunk,
        fieldKeys,
        bytes: task.byte + Math.round(span * chunk.share),
      } satisfies ChunkMessage);
      fieldKeys = [];
    }
  } catch (error) {
    if (!(error instanceof FileProblem)) throw error;
    post({ kind: 'failed', reason: error.message });
  }
}

/** A chunk's contacts are moved to the main thread, not copied (see `ImportChunk`). */
function post(message: WorkerMessage): void {
  port?.postMessage(message, message.kind === 'chunk' ? [message.contacts.buffer] : []);
}

/** The file's records from `byte` on (to `end`), as csv-parse reads them. */
function records(byte: number, end: number | null): Parser {
  const source = fs.createReadStream(input.path, {
    start: byte,
    ...(end === null ? {} : { end: end - 1 }),
    highWaterMark: 256 * 1024,
  });
  // A byte-order mark only ever starts the file.
  const parser = parse({ ...csvParseOptions(input.options.delimiter), bom: byte === 0 });
  source.on('error', (error: NodeJS.ErrnoException) => {
    parser.destroy(
      new FileProblem(
        error.code === 'ENOENT'
          ? 'the uploaded file is missing'
          : `the uploaded file cannot be read (${error.code})`,
      ),
    );
  });
  parser.on('close', () => source.destroy());
  return source.pipe(parser);
}

async function readHeader(): Promise<RowMapper> {
  let header: string[] | null = null;
  try {
    for await (const record of records(0, null) as AsyncIterable<string[]>) {
      if (isBlankRecord(record)) continue;
      header = record;
      break;
    }
  } catch (error) {
    throw asFileProblem(error);
  }
  if (header === null) throw new FileProblem('the file has no header line');
  try {
    return new RowMapper(
      header.map((cell) => cell.trim()),
      input.options,
      input.defaultCountry,
    );
  } catch (error) {
    throw new FileProblem(error instanceof Error ? error.message : String(error));
  }
}

async function readRows(
  task: SegmentTask,
  mapper: RowMapper,
): Promise<{ segment: SegmentRows; bytesRead: number }> {
  const segment = new SegmentRows(texts);
  /** Line where the next record starts; the header's own ending is counted like any other. */
  let line = task.line;
  let header = task.byte === 0;
  let bytesRead = 0;
  try {
    const parser = records(task.byte, task.end);
    for await (const record of parser as AsyncIterable<string[]>) {
      const start = line;
      line += 1 + lineBreaksIn(record);
      if (isBlankRecord(record)) continue;
      if (header) {
        header = false;
        continue;
      }
      const mapped = mapper.map(record, start);
      if ('reason' in mapped) segment.reject(mapped);
      else segment.add(mapped);
    }
    bytesRead = parser.info.bytes;
  } catch (error) {
    throw asFileProblem(error);
  }
  return { segment, bytesRead };
}

function asFileProblem(error: unknown): FileProblem {
  if (error instanceof FileProblem) return error;
  return new FileProblem(
    `the file cannot be read: ${error instanceof Error ? error.message : String(error)}`,
  );
}
