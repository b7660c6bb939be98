import type { ImportOptions } from '../../domain/job.ts';
import type { SegmentChunk } from './segment-rows.ts';

/** What an import worker is started with. */
export interface WorkerInput {
  /** The stored upload. */
  path: string;
  options: ImportOptions;
  /** The workspace's country for phones written without a country code. */
  defaultCountry: string | null;
  /** Items (rejections and contacts) per chunk at most. */
  chunkItems: number;
}

/** A segment for a worker to read: consecutive records of the file. */
export interface SegmentTask {
  kind: 'segment';
  seq: number;
  /** Where the segment starts in the file, and the line it starts on. */
  byte: number;
  line: number;
  /** Where the next segment starts; null for the last. */
  end: number | null;
  /** Items an earlier run already wrote: read, but not sent again. */
  skipItems: number;
}

/** One chunk of a segment, in order; the segment's last has `last` set. */
export interface ChunkMessage extends SegmentChunk {
  kind: 'chunk';
  seq: number;
  /**
   * Custom field keys of the whole segment on the first chunk a worker sends for a task
   * (recorded in the same transaction as that chunk); empty on the others.
   */
  fieldKeys: string[];
  /** Bytes of the file read up to about this chunk's end; progress only. */
  bytes: number;
}

/** The file could not be read; `reason` is meant for the user. */
export interface FailedMessage {
  kind: 'failed';
  reason: string;
}

export type WorkerMessage = ChunkMessage | FailedMessage;
