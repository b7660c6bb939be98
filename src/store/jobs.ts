import { sql } from 'kysely';
import type { ImportCounts, ImportOptions, ImportRejection, Job, JobStatus } from '../domain/job.ts';
import { type Db, type JobTable, readJson, writeJson } from './database.ts';

function toJob(row: JobTable): Job {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind as Job['kind'],
    status: row.status as JobStatus,
    fileId: row.file_id,
    options: readJson<ImportOptions>(row.options),
    totalBytes: Number(row.total_bytes),
    doneBytes: Number(row.done_bytes),
    totalRows: Number(row.total_rows),
    counts: {
      processedRows: Number(row.processed_rows),
      imported: Number(row.imported),
      updated: Number(row.updated),
      skipped: Number(row.skipped),
      rejected: Number(row.rejected),
    },
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export class JobRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(job: Job): Promise<Job> {
    await this.#db
      .insertInto('jobs')
      .values({
        id: job.id,
        workspace_id: job.workspaceId,
        kind: job.kind,
        status: job.status,
        file_id: job.fileId,
        options: writeJson(job.options),
        total_bytes: job.totalBytes,
        done_bytes: job.doneBytes,
        total_rows: job.totalRows,
        processed_rows: job.counts.processedRows,
        imported: job.counts.imported,
        updated: job.counts.updated,
        skipped: job.counts.skipped,
        rejected: job.counts.rejected,
        error: job.error,
        created_at: job.createdAt,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
      })
      .execute();
    return job;
  }

  async get(workspaceId: string, id: string): Promise<Job | null> {
    const row = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toJob(row) : null;
  }

  /** Jobs a crash or a restart left unfinished, oldest first. */
  async unfinished(): Promise<Job[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', ['queued', 'running'])
      .orderBy('id')
      .execute();
    return rows.map(toJob);
  }

  async start(id: string, at: number): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ status: 'running', started_at: sql`COALESCE(started_at, ${at})` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Adds one batch's counts and moves the resume point. Called in the batch's own
   * transaction: progress and the contacts it describes commit together. With `from`, it
   * only applies while the job's `processedRows` is still `from` and says whether it did:
   * if two runs ever worked on one job, the second to commit a batch finds the resume point
   * moved, rolls back, and no row is counted twice.
   */
  async recordBatch(id: string, doneBytes: number, delta: ImportCounts, from?: number): Promise<boolean> {
    let query = this.#db
      .updateTable('jobs')
      .set((eb) => ({
        done_bytes: doneBytes,
        processed_rows: eb('processed_rows', '+', delta.processedRows),
        imported: eb('imported', '+', delta.imported),
        updated: eb('updated', '+', delta.updated),
        skipped: eb('skipped', '+', delta.skipped),
        rejected: eb('rejected', '+', delta.rejected),
      }))
      .where('id', '=', id);
    if (from !== undefined) query = query.where('processed_rows', '=', from);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async addRejections(jobId: string, rejections: readonly ImportRejection[]): Promise<void> {
    for (let start = 0; start < rejections.length; start += 1000) {
      const chunk = rejections.slice(start, start + 1000);
      await this.#db
        .insertInto('import_rejections')
        .values(chunk.map((r) => ({ job_id: jobId, line: r.line, reason: r.reason })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async rejections(jobId: string, page: { limit: number; afterLine?: number }): Promise<ImportRejection[]> {
    let query = this.#db
      .selectFrom('import_rejections')
      .select(['line', 'reason'])
      .where('job_id', '=', jobId);
    if (page.afterLine !== undefined) query = query.where('line', '>', page.afterLine);
    const rows = await query.orderBy('line').limit(page.limit).execute();
    return rows.map((r) => ({ line: Number(r.line), reason: r.reason }));
  }

  async finish(id: string, status: 'completed' | 'failed', error: string | null, at: number): Promise<void> {
    await this.#db.updateTable('jobs').set({ status, error, finished_at: at }).where('id', '=', id).execute();
  }
}
