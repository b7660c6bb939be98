import { on } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { ImportCounts, Job } from '../../domain/job.ts';
import type { Workspace } from '../../domain/workspace.ts';
import type { FileStorage } from '../../store/file-storage.ts';
import type { Store } from '../../store/store.ts';
import type { BatchMessage, CreditMessage, WorkerInput, WorkerMessage } from './worker-messages.ts';

/**
 * Batches the worker may have posted and not yet seen committed. Two keep the writer busy
 * while the worker parses the next; a third absorbs jitter. Each is ~1,000 rows, so memory
 * stays flat whatever the file's size.
 */
const CREDITS = 3;

const workerUrl = new URL('./import-worker.ts', import.meta.url);

/**
 * The worker holds a few batches (each capped in bytes, see `MAX_BATCH_TEXT`) and the
 * phone metadata: ~30 MB live. Without limits V8 let its heap grow to ~90 MB of mostly
 * garbage on a 1M-row import; with these it stays near 30 MB at the same speed.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

export interface ImportRunDeps {
  store: Store;
  files: FileStorage;
  clock: Clock;
  newId: IdFactory;
  log: Logger;
  batchRows: number;
  /** Told after each committed batch, with the job's running totals. */
  progress: (job: Job) => void;
}

/** Thrown when the job's resume point moved under us: another run owns the job now. */
class JobTakenOver extends Error {}

/**
 * Runs one import job to its end on the main thread's side: a worker reads and maps the
 * file, and each batch it posts is written here in one transaction with the job's
 * progress, so a crash loses at most the batches not yet committed, and a resumed run
 * starts exactly after the last committed record. When `signal` aborts (shutdown), the run
 * stops after the batch in hand and leaves the job `running`, to be resumed at next start.
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
    const outcome = await writeBatches(
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

type BatchesOutcome =
  | { kind: 'done'; processed: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

async function writeBatches(
  deps: ImportRunDeps,
  job: Job,
  workspace: Workspace,
  path: string,
  signal: AbortSignal,
): Promise<BatchesOutcome> {
  if (signal.aborted) return { kind: 'stopped' };
  let counts = job.counts;
  const input: WorkerInput = {
    path,
    options: job.options,
    defaultCountry: workspace.defaultCountry,
    skipRecords: counts.processedRows,
    batchRows: deps.batchRows,
    credits: CREDITS,
  };
  const worker = new Worker(workerUrl, { workerData: input, resourceLimits: WORKER_HEAP });
  try {
    // 'exit' ends the iteration: a worker that dies without `done` is caught below; its
    // 'error' (an exception, running out of heap) is thrown by the iterator.
    for await (const [message] of on(worker, 'message', { signal, close: ['exit'] })) {
      const m = message as WorkerMessage;
      if (m.kind === 'failed') return { kind: 'failed', reason: m.reason };
      if (m.kind === 'done') return { kind: 'done', processed: counts.processedRows };
      counts = add(counts, await writeBatch(deps, job, m, counts.processedRows));
      deps.progress({ ...job, status: 'running', doneBytes: m.bytes, counts });
      if (signal.aborted) return { kind: 'stopped' };
      worker.postMessage({ kind: 'credit' } satisfies CreditMessage);
      // Node delivers up to 1,000 queued worker messages in one go, each handler's
      // microtasks included, and a SQLite batch commits synchronously: without this the
      // whole import would run without the event loop turning once, and the API would
      // hang until it ended. Each batch now blocks the loop for its own write only.
      await yieldToEventLoop();
    }
    throw new Error('the import worker exited before it finished');
  } catch (error) {
    if (signal.aborted && error instanceof Error && error.name === 'AbortError') return { kind: 'stopped' };
    throw error;
  } finally {
    await worker.terminate();
  }
}

/**
 * One batch, its rejections and the job's progress: all or nothing. Returns the batch's
 * counts. The resume point moves first, on the condition that it is still where this run
 * left it: on PostgreSQL that update also locks the job row, so a second run of the same
 * job waits there, finds the point moved and stops before touching a contact.
 */
async function writeBatch(
  deps: ImportRunDeps,
  job: Job,
  batch: BatchMessage,
  from: number,
): Promise<ImportCounts> {
  return deps.store.transaction(async (tx) => {
    const claimed: ImportCounts = {
      ...emptyCounts(),
      processedRows: batch.records,
      rejected: batch.rejections.length,
    };
    if (!(await tx.jobs.recordBatch(job.id, batch.bytes, claimed, from))) throw new JobTakenOver();
    if (batch.rejections.length > 0) await tx.jobs.addRejections(job.id, batch.rejections);
    const written = await tx.contactImport.write(
      job.workspaceId,
      batch.rows,
      job.options.onDuplicate,
      deps.clock.now(),
      deps.newId,
    );
    await tx.jobs.recordBatch(job.id, batch.bytes, { ...emptyCounts(), ...written });
    return { ...claimed, ...written };
  });
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
