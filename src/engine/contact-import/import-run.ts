import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { ImportCounts, Job } from '../../domain/job.ts';
import type { Workspace } from '../../domain/workspace.ts';
import { type BulkWrites, ImportChunkRaced, type ImportSegment } from '../../store/contact-import-writer.ts';
import type { FileStorage } from '../../store/file-storage.ts';
import type { Store } from '../../store/store.ts';
import { SegmentReaders, SegmentReadFailure } from './segment-readers.ts';
import type { ChunkMessage, SegmentTask } from './worker-messages.ts';

export interface ImportRunDeps {
  store: Store;
  files: FileStorage;
  clock: Clock;
  newId: IdFactory;
  log: Logger;
  /** Items (rejections and contacts) written per transaction at most. */
  chunkRows: number;
  /** Worker threads reading segments at once. */
  parseWorkers: number;
  /** Told after each committed chunk, with the job's running totals. */
  progress: (job: Job) => void;
}

/** Thrown when the job's resume point moved under us: another run owns the job now. */
class JobTakenOver extends Error {}

/** Attempts at a chunk that a concurrent delete raced (PostgreSQL only, and rare). */
const CHUNK_ATTEMPTS = 3;

/**
 * Runs one import job to its end on the main thread's side: workers read the file's
 * segments (see `SegmentReaders`), and each chunk they produce is written here in one
 * transaction with the job's progress and the segment's resume point, so a crash loses at
 * most the chunks not yet committed, and a resumed run starts exactly after the last
 * committed one. When `signal` aborts (shutdown), the run stops after the chunk in hand
 * and leaves the job `running`, to be resumed at next start.
 */
export async function runImport(deps: ImportRunDeps, job: Job, signal: AbortSignal): Promise<void> {
  const { store, log } = deps;
  const jobLog = log.child({ jobId: job.id, workspaceId: job.workspaceId });
  try {
    const workspace = await store.workspaces.get(job.workspaceId);
    if (workspace === null) return; // deleting a workspace deletes its jobs; nothing to finish
    if (job.fileId === null || !(await deps.files.exists(job.workspaceId, job.fileId))) {
      await store.jobs.finish(
        job.id,
        'failed',
        'the uploaded file was deleted before the import ended',
        deps.clock.now(),
      );
      jobLog.warn('import failed: its file is gone');
      return;
    }
    await store.jobs.start(job.id, deps.clock.now());
    const outcome = await writeSegments(
      deps,
      job,
      workspace,
      deps.files.path(job.workspaceId, job.fileId),
      signal,
    );
    if (outcome.kind === 'stopped') return;
    if (outcome.kind === 'failed') {
      await store.jobs.finish(job.id, 'failed', outcome.reason, deps.clock.now());
      jobLog.warn({ reason: outcome.reason }, 'import failed');
      return;
    }
    const processed = outcome.processed;
    await store.transaction(async (tx) => {
      if (!(await tx.jobs.recordBatch(job.id, job.totalBytes, emptyCounts(), processed)))
        throw new JobTakenOver();
      await tx.jobs.finish(job.id, 'completed', null, deps.clock.now());
    });
    if (processed !== job.totalRows) {
      // The upload check and the parser disagree on what a record is: a bug to fix, not
      // a reason to fail an import whose rows are all in.
      jobLog.warn(
        { processed, totalRows: job.totalRows },
        'import read a different number of rows than the upload counted',
      );
    }
    jobLog.info({ rows: processed }, 'import completed');
  } catch (error) {
    if (error instanceof JobTakenOver) {
      jobLog.warn('import stopped: another run advanced this job');
      return;
    }
    jobLog.error({ err: error }, 'import failed');
    await store.jobs.finish(
      job.id,
      'failed',
      'the import stopped on an internal error; the rows counted so far are in',
      deps.clock.now(),
    );
  }
}

type SegmentsOutcome =
  | { kind: 'done'; processed: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

async function writeSegments(
  deps: ImportRunDeps,
  job: Job,
  workspace: Workspace,
  path: string,
  signal: AbortSignal,
): Promise<SegmentsOutcome> {
  if (signal.aborted) return { kind: 'stopped' };
  const { store } = deps;
  let counts = job.counts;
  const tasks = segmentTasks(await segmentsOf(store, job.id));
  const bulk: BulkWrites | null =
    job.totalRows - counts.processedRows > deps.chunkRows ? await store.contactImport.bulkWrites() : null;
  try {
    await using readers = new SegmentReaders(
      {
        path,
        options: job.options,
        defaultCountry: workspace.defaultCountry,
        chunkItems: deps.chunkRows,
      },
      tasks,
      deps.parseWorkers,
    );
    for await (const chunk of readers.chunks(signal)) {
      counts = add(counts, await writeChunk(deps, job, chunk, counts.processedRows));
      deps.progress({ ...job, status: 'running', doneBytes: chunk.bytes, counts });
      await bulk?.committed();
      if (signal.aborted) return { kind: 'stopped' };
      // A SQLite chunk commits synchronously, and Node delivers queued worker messages
      // together: without this the event loop would not turn between chunks and the API
      // would wait for the whole import. Each chunk now blocks the loop for its own write.
      await yieldToEventLoop();
    }
  } catch (error) {
    if (error instanceof SegmentReadFailure) return { kind: 'failed', reason: error.message };
    throw error;
  } finally {
    await bulk?.[Symbol.asyncDispose]();
  }
  if (signal.aborted) return { kind: 'stopped' };
  return { kind: 'done', processed: counts.processedRows };
}

/** The job's segments; one covering the whole file for a job stored without any. */
async function segmentsOf(store: Store, jobId: string): Promise<ImportSegment[]> {
  const segments = await store.contactImport.segments(jobId);
  if (segments.length > 0) return segments;
  const whole = { byte: 0, line: 1 };
  await store.contactImport.createSegments(jobId, [whole]);
  return [{ ...whole, seq: 0, mergedItems: 0, done: false }];
}

/** What is left to read: every segment not yet written, the first maybe in part. */
function segmentTasks(segments: readonly ImportSegment[]): SegmentTask[] {
  const tasks: SegmentTask[] = [];
  segments.forEach((segment, i) => {
    if (segment.done) return;
    tasks.push({
      kind: 'segment',
      seq: segment.seq,
      byte: segment.byte,
      line: segment.line,
      end: segments[i + 1]?.byte ?? null,
      skipItems: segment.mergedItems,
    });
  });
  return tasks;
}

/**
 * One chunk, its rejections, its segment's resume point and the job's progress: all or
 * nothing. Returns the chunk's counts. The resume point moves first, on the condition that
 * it is still where this run left it: on PostgreSQL that update also locks the job row, so
 * a second run of the same job waits there, finds the point moved and stops before
 * touching a contact.
 */
async function writeChunk(
  deps: ImportRunDeps,
  job: Job,
  chunk: ChunkMessage,
  from: number,
): Promise<ImportCounts> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.transaction(async (tx) => {
        const claimed: ImportCounts = {
          ...emptyCounts(),
          processedRows: chunk.rows + chunk.rejections.length,
          rejected: chunk.rejections.length,
        };
        if (!(await tx.jobs.recordBatch(job.id, chunk.bytes, claimed, from))) throw new JobTakenOver();
        await tx.contactImport.recordSegment(job.id, chunk.seq, chunk.mergedItems, chunk.last);
        if (chunk.rejections.length > 0) await tx.jobs.addRejections(job.id, chunk.rejections);
        const written = await tx.contactImport.write(
          job.workspaceId,
          chunk,
          job.options.onDuplicate,
          deps.clock.now(),
          deps.newId,
          job.options.recordMembers === true ? job.id : null,
        );
        // Only a segment's first chunk (of this run) carries its field keys.
        if (chunk.fieldKeys.length > 0) await tx.contacts.recordFieldKeys(job.workspaceId, chunk.fieldKeys);
        await tx.jobs.recordBatch(job.id, chunk.bytes, { ...emptyCounts(), ...written });
        return { ...claimed, ...written };
      });
    } catch (error) {
      if (!(error instanceof ImportChunkRaced) || attempt === CHUNK_ATTEMPTS) throw error;
    }
  }
}

function add(a: ImportCounts, b: ImportCounts): ImportCounts {
  return {
    processedRows: a.processedRows + b.processedRows,
    imported: a.imported + b.imported,
    updated: a.updated + b.updated,
    skipped: a.skipped + b.skipped,
    rejected: a.rejected + b.rejected,
  };
}

function emptyCounts(): ImportCounts {
  return { processedRows: 0, imported: 0, updated: 0, skipped: 0, rejected: 0 };
}
