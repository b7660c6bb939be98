import os from 'node:os';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { KurirError } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { Job } from '../../domain/job.ts';
import type { Workspace } from '../../domain/workspace.ts';
import type { FileStorage } from '../../store/file-storage.ts';
import type { Store } from '../../store/store.ts';
import { CsvInspector } from './csv-inspector.ts';
import { checkRequest, type ImportRequest, importOptions } from './import-request.ts';
import { runImport } from './import-run.ts';

export type { ImportRequest } from './import-request.ts';

export interface ContactImporterDeps {
  store: Store;
  files: FileStorage;
  clock: Clock;
  newId: IdFactory;
  log: Logger;
  /** Largest upload accepted, in bytes; more is `file.too_large`. */
  uploadLimitBytes: number;
  /**
   * Data records per segment (default 100,000; at most {@link SEGMENT_BYTES} of file): the
   * unit a worker reads, sorts by phone and folds. Larger segments mean fewer passes over
   * the phone index (1M rows into SQLite: 50,000 took 9.7 s of writing, 100,000 8.7 s,
   * 200,000 7.3 s) but more memory per worker and a longer wait before the first write.
   * Fixed when a file is uploaded: the cuts are stored with the job.
   */
  segmentRows?: number;
  /**
   * Items (contacts and rejections) written per transaction (default 5,000): ~50 ms of
   * SQLite work, the longest the event loop, and API requests, wait for an import. On a
   * 2-core machine 5,000 also imported faster than 10,000 (1M rows: ~53,000 rows/s against
   * ~47,000, event-loop p99 ~130 ms against ~270 ms).
   */
  chunkRows?: number;
  /** Worker threads reading segments at once (default {@link defaultParseWorkers}). */
  parseWorkers?: number;
}

/**
 * Reader threads for a machine with `cores` cores: the main thread writes, so it keeps one
 * core and the readers get the rest, at most two (with two, the writer is already the
 * slower side). On 2 cores one reader is as fast as two and ~50 MB smaller, since the
 * second only competes with the writer and the log checkpointer for CPU. 1M rows, 2 cores,
 * three runs each: one reader 90,000-105,000 rows/s, peak RSS 237-267 MB; two readers
 * 93,000-104,000 rows/s, 285-316 MB.
 */
export function defaultParseWorkers(cores = os.availableParallelism()): number {
  return Math.min(2, Math.max(1, cores - 1));
}

/**
 * Bytes of file per segment at most, whatever `segmentRows` says: a worker holds its
 * segment, so a file of very wide rows must not make that huge.
 */
const SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * The first segment is this share of `segmentRows`, and each next one twice the last: no
 * chunk is written before the first segment is read and sorted. With full-size segments a
 * 1M-row import wrote its first chunk after ~2.5 s; with this ramp, after ~0.8 s, and
 * ~0.3 s since the reader has a core of its own (see {@link defaultParseWorkers}).
 */
const FIRST_SEGMENT_SHARE = 8;

export interface Upload {
  stream: Readable;
  fileName: string;
  contentType: string;
}

/** Told after each committed chunk of any job, with the job's totals so far. */
export type ProgressListener = (job: Job) => void;

/**
 * Contact CSV imports. `submit` checks and stores the upload and answers with a queued
 * job at once; jobs then run one at a time in the background (read in worker threads, see
 * `import-worker.ts`) and survive restarts: `resumeUnfinished` at start-up continues each
 * from its last committed chunk.
 *
 * One process per store runs imports: two processes resuming the same job would not count
 * rows twice (see `JobRepository.recordBatch`), but one of them would stop with a warning.
 */
export class ContactImporter {
  readonly #deps: ContactImporterDeps;
  readonly #queue: Job[] = [];
  readonly #listeners = new Set<ProgressListener>();
  readonly #shutdown = new AbortController();
  #draining: Promise<void> | null = null;

  constructor(deps: ContactImporterDeps) {
    this.#deps = deps;
  }

  /**
   * Stores the upload if it is a readable CSV whose columns the mapping fits, and queues
   * its import. Throws `file.too_large`, `import.invalid_csv` (with the line) or
   * `import.invalid_mapping` (with a pointer per problem), leaving nothing stored.
   */
  async submit(workspace: Workspace, upload: Upload, request: ImportRequest): Promise<Job> {
    if (this.#shutdown.signal.aborted) {
      throw new KurirError('server.unavailable', 'The server is shutting down; try the import again shortly');
    }
    checkRequest(request);
    const { store, files, clock, newId, uploadLimitBytes } = this.#deps;
    const segmentRows = this.#deps.segmentRows ?? 100_000;
    const inspector = new CsvInspector(request.delimiter, {
      rows: segmentRows,
      bytes: SEGMENT_BYTES,
      firstRows: Math.ceil(segmentRows / FIRST_SEGMENT_SHARE),
    });
    const fileId = newId('file');
    const saved = await files.save(workspace.id, fileId, upload.stream, uploadLimitBytes, [inspector]);
    let job: Job;
    try {
      const shape = inspector.shape();
      const options = importOptions(request, shape);
      const now = clock.now();
      job = {
        id: newId('imp'),
        workspaceId: workspace.id,
        kind: 'contact_import',
        status: 'queued',
        fileId,
        options,
        totalBytes: saved.size,
        doneBytes: 0,
        totalRows: shape.totalRows,
        counts: { processedRows: 0, imported: 0, updated: 0, skipped: 0, rejected: 0 },
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
      };
      const created = job;
      await store.transaction(async (tx) => {
        await tx.files.create({
          id: fileId,
          workspaceId: workspace.id,
          name: upload.fileName,
          contentType: upload.contentType,
          size: saved.size,
          sha256: saved.sha256,
          createdAt: now,
        });
        await tx.jobs.create(created);
        await tx.contactImport.createSegments(created.id, [{ byte: 0, line: 1 }, ...shape.segmentStarts]);
      });
    } catch (error) {
      await files.remove(workspace.id, fileId);
      throw error;
    }
    this.#enqueue(job);
    return job;
  }

  /** Queues every job a crash or a restart left unfinished; returns how many. Call once at start-up. */
  async resumeUnfinished(): Promise<number> {
    const jobs = await this.#deps.store.jobs.unfinished();
    for (const job of jobs) this.#enqueue(job);
    if (jobs.length > 0) this.#deps.log.info({ jobs: jobs.length }, 'resuming unfinished imports');
    return jobs.length;
  }

  /** Resolves once no import is queued or running. */
  async whenIdle(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  /** Calls `listener` after every committed chunk; returns the function that stops it. */
  onProgress(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops after the chunk being written, terminates the workers and waits. Jobs stay
   * `queued` or `running` in the store, to be resumed at next start.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#shutdown.abort();
    this.#queue.length = 0;
    await this.whenIdle();
  }

  #enqueue(job: Job): void {
    if (this.#shutdown.signal.aborted) return;
    if (this.#queue.some((queued) => queued.id === job.id)) return;
    this.#queue.push(job);
    if (this.#draining === null) {
      this.#draining = this.#drain().finally(() => {
        this.#draining = null;
      });
    }
  }

  async #drain(): Promise<void> {
    const deps = {
      ...this.#deps,
      chunkRows: this.#deps.chunkRows ?? 5_000,
      parseWorkers: this.#deps.parseWorkers ?? defaultParseWorkers(),
      progress: (job: Job) => this.#emit(job),
    };
    for (let job = this.#queue.shift(); job !== undefined; job = this.#queue.shift()) {
      if (this.#shutdown.signal.aborted) return;
      try {
        await runImport(deps, job, this.#shutdown.signal);
      } catch (error) {
        // runImport records every failure on the job; reaching here means even that
        // write failed (the database is gone). The job stays unfinished and resumes.
        this.#deps.log.error({ err: error, jobId: job.id }, 'import could not record its outcome');
      }
    }
  }

  #emit(job: Job): void {
    for (const listener of this.#listeners) {
      // Listeners are isolated: a failing observer must not fail the import it watches.
      try {
        listener(job);
      } catch (error) {
        this.#deps.log.error({ err: error, jobId: job.id }, 'import progress listener failed');
      }
    }
  }
}
