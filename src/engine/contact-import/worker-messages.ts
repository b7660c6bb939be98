import type { ImportOptions, ImportRejection } from '../../domain/job.ts';
import type { ImportRow } from '../../store/contact-import-writer.ts';

/** What the import worker is started with. */
export interface WorkerInput {
  /** The stored upload. */
  path: string;
  options: ImportOptions;
  /** The workspace's country for phones written without a country code. */
  defaultCountry: string | null;
  /** Data records already committed by an earlier run: read past, not sent again. */
  skipRecords: number;
  /** Data records per batch at most. */
  batchRows: number;
  /** Batches the worker may send before the main thread grants more. */
  credits: number;
}

/** One batch of consecutive data records, every one either a row or a rejection. */
export interface BatchMessage {
  kind: 'batch';
  rows: ImportRow[];
  rejections: ImportRejection[];
  /** Data records in the batch: rows plus rejections. */
  records: number;
  /** Bytes of the file read up to the batch's last record; progress only. */
  bytes: number;
}

export interface DoneMessage {
  kind: 'done';
}

/** The file could not be read; `reason` is meant for the user. */
export interface FailedMessage {
  kind: 'failed';
  reason: string;
}

export type WorkerMessage = BatchMessage | DoneMessage | FailedMessage;

/** The main thread has committed a batch; the worker may send one more. */
export interface CreditMessage {
  kind: 'credit';
}

/**
 * Cell text per batch at most, in UTF-16 code units: a batch ends at `batchRows` records or
 * at this much text, whichever comes first, so a file of very wide rows cannot make a batch
 * (and the worker's heap) huge.
 */
export const MAX_BATCH_TEXT = 4 * 1024 * 1024;
