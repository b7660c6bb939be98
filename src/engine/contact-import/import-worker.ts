import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'csv-parse';
import type { ImportRejection } from '../../domain/job.ts';
import type { ImportRow } from '../../store/contact-import-writer.ts';
import { csvParseOptions, isBlankRecord, lineBreaksIn } from './csv-dialect.ts';
import { RowMapper } from './row-mapper.ts';
import {
  type BatchMessage,
  MAX_BATCH_TEXT,
  type WorkerInput,
  type WorkerMessage,
} from './worker-messages.ts';

/**
 * The import's CPU work, off the main thread: parse the stored CSV, normalise each row
 * (phone numbers dominate: libphonenumber's full metadata) and post batches. The main
 * thread writes them; it grants one credit per committed batch, and the worker pauses its
 * parser when it has none, so memory holds a few batches whatever the file's size.
 */
const port = parentPort;
if (port === null) throw new Error('import-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;

const source = fs.createReadStream(input.path, { highWaterMark: 256 * 1024 });
const parser = parse(csvParseOptions(input.options.delimiter));
let credits = input.credits;
let mapper: RowMapper | null = null;
/** Line where the next record starts; the header's own ending is counted like any other. */
let line = 1;
let seen = 0;
let rows: ImportRow[] = [];
let rejections: ImportRejection[] = [];
let batchText = 0;
let ended = false;
let failed = false;

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

function fail(reason: string): void {
  if (failed) return;
  failed = true;
  post({ kind: 'failed', reason });
  source.destroy();
  parser.destroy();
}

function flushBatch(): void {
  const batch: BatchMessage = {
    kind: 'batch',
    rows,
    rejections,
    records: rows.length + rejections.length,
    bytes: parser.info.bytes,
  };
  rows = [];
  rejections = [];
  batchText = 0;
  credits--;
  post(batch);
}

/** Sends the last batch and `done` once a credit allows it. */
function finishWhenAllowed(): void {
  if (!ended || failed || credits === 0) return;
  if (rows.length + rejections.length > 0) flushBatch();
  if (credits === 0) return;
  post({ kind: 'done' });
  port?.close();
}

port.on('message', () => {
  credits++;
  if (ended) finishWhenAllowed();
  else if (parser.isPaused()) parser.resume();
});

parser.on('data', (record: string[]) => {
  const start = line;
  line += 1 + lineBreaksIn(record);
  if (isBlankRecord(record)) return;
  if (mapper === null) {
    try {
      mapper = new RowMapper(
        record.map((cell) => cell.trim()),
        input.options,
        input.defaultCountry,
      );
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    return;
  }
  seen++;
  if (seen <= input.skipRecords) return;
  const mapped = mapper.map(record, start);
  if ('reason' in mapped) rejections.push(mapped);
  else rows.push(mapped);
  for (const cell of record) batchText += cell.length;
  if (rows.length + rejections.length >= input.batchRows || batchText >= MAX_BATCH_TEXT) {
    flushBatch();
    if (credits === 0) parser.pause();
  }
});

parser.on('end', () => {
  ended = true;
  finishWhenAllowed();
});

source.on('error', (error: NodeJS.ErrnoException) => {
  fail(
    error.code === 'ENOENT'
      ? 'the uploaded file is missing'
      : `the uploaded file cannot be read (${error.code})`,
  );
});
parser.on('error', (error: Error) => fail(`the file cannot be read: ${error.message}`));
source.pipe(parser);
