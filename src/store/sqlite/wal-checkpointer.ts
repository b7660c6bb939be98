import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RawSql } from '../raw-sql.ts';

export type CheckpointRequest = 'checkpoint' | 'close';

/** Frames (pages) in the write-ahead log, and how many of them are in the database file. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/**
 * Size of the log past which a bulk writer waits for the checkpointer: 64 MiB, half of
 * `journal_size_limit` (see `sqlite-database.ts`), to which SQLite cuts the file back when
 * the log starts over. A frame is one page, so the bound in frames depends on the page size.
 */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

const workerUrl = new URL('./wal-checkpoint-worker.js', import.meta.url);

/**
 * Copies the write-ahead log into the database file from a worker thread while a bulk
 * writer commits on the main thread. SQLite otherwise checkpoints inside the COMMIT that
 * takes the log past `wal_autocheckpoint` pages: on a 1M-contact import that was 4-5 s of
 * the main thread's ~13 s (the copy and two fsyncs), in stalls of up to 300 ms. Here the
 * main connection's automatic checkpoints are off while the checkpointer runs; it copies
 * continuously, and when the log holds more than its bound (default
 * {@link MAX_LOG_BYTES}) the writer waits (without blocking the event loop) until it is
 * all copied.
 *
 * The wait is what keeps the log small. SQLite starts a log over only in a write
 * transaction whose snapshot began with every frame already copied, and a writer that
 * never pauses always begins with the last commit still being copied: without the wait a
 * 1M-contact import grew the log to 1.1 GB, and each commit wrote into new, zero-filled
 * file pages instead of ones the log had used before.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<unknown>;
  readonly #main: RawSql;
  readonly #autocheckpoint: number;
  readonly #maxLogFrames: number;
  #running: Promise<CheckpointResult> | null = null;
  #reply: { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void } | null = null;
  #failure: Error | null = null;
  /** Frames in the log at the last checkpoint, or 0 when the next commit starts it over. */
  #log = 0;

  private constructor(worker: Worker, main: RawSql, autocheckpoint: number, maxLogFrames: number) {
    this.#worker = worker;
    this.#main = main;
    this.#autocheckpoint = autocheckpoint;
    this.#maxLogFrames = maxLogFrames;
    this.#exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.on('message', (result: CheckpointResult) => this.#reply?.resolve(result));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', () => this.#fail(new Error('the checkpointer thread exited')));
  }

  /**
   * Starts a checkpointer for `file`; `main` is the connection the bulk writer uses, and
   * `maxLogBytes` the size of log past which it waits for the copy.
   */
  static async start(file: string, main: RawSql, maxLogBytes = MAX_LOG_BYTES): Promise<WalCheckpointer> {
    const [setting] = await main.rows<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint', []);
    const [page] = await main.rows<{ page_size: number }>('PRAGMA page_size', []);
    const worker = new Worker(workerUrl, { workerData: { file } });
    await once(worker, 'online');
    await main.run('PRAGMA wal_autocheckpoint = 0', []);
    const pageSize = Number(page?.page_size ?? 4096);
    return new WalCheckpointer(
      worker,
      main,
      Number(setting?.wal_autocheckpoint ?? 1000),
      Math.max(1, Math.floor(maxLogBytes / pageSize)),
    );
  }

  /** Call after each commit of the bulk writer; rejects if the checkpointer failed. */
  async committed(): Promise<void> {
    if (this.#running === null) {
      this.#running = this.#checkpoint();
      // Not awaited here: a failure is kept in #failure and thrown by the next call.
      this.#running.catch(() => {});
    }
    if (this.#log < this.#maxLogFrames) {
      if (this.#failure !== null) throw this.#failure;
      return;
    }
    // The checkpoint already running may have started before the last commits; one more
    // after it copies everything, since this writer is paused, and the next commit starts
    // the log over. A reader holding an old snapshot can keep it from finishing: then go
    // on, and wait again after the next commit.
    await this.#running;
    this.#running ??= this.#checkpoint();
    const result = await this.#running;
    if (result.checkpointed >= result.log) this.#log = 0;
  }

  /** Copies what is left, gives the main connection its automatic checkpoints back, and stops. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      if (this.#failure === null) {
        await this.#running;
        await this.#checkpoint();
      }
    } finally {
      await this.#main.run(`PRAGMA wal_autocheckpoint = ${this.#autocheckpoint}`, []);
      if (this.#failure === null) this.#worker.postMessage('close' satisfies CheckpointRequest);
      await this.#exited;
    }
  }

  async #checkpoint(): Promise<CheckpointResult> {
    try {
      if (this.#failure !== null) throw this.#failure;
      const result = await new Promise<CheckpointResult>((resolve, reject) => {
        this.#reply = { resolve, reject };
        this.#worker.postMessage('checkpoint' satisfies CheckpointRequest);
      });
      this.#log = result.log;
      return result;
    } finally {
      this.#reply = null;
      this.#running = null;
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#reply?.reject(error);
  }
}
