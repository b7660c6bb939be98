import { Worker } from 'node:worker_threads';
import type { ChunkMessage, SegmentTask, WorkerInput, WorkerMessage } from './worker-messages.ts';

const workerUrl = new URL('./import-worker.ts', import.meta.url);

/**
 * A worker holds the segment it reads (~100 bytes a row as JSON, see `SegmentRows`) and
 * the phone metadata. Without limits V8 lets a heap grow to several times what is live
 * before collecting; these keep each worker near 55 MB (heap and buffers) at the same speed.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };

/** The file could not be read (gone, unreadable, no usable header); `message` is for the user. */
export class SegmentReadFailure extends Error {}

/**
 * Reads an import's segments in worker threads, several at once, and hands their chunks
 * out in file order: all of segment n's before any of n + 1's, which is the order the
 * writer must apply them in for a phone the file repeats to end as a row-by-row import
 * would leave it.
 *
 * A worker gets its next segment only when it has posted the last and fewer than
 * `max(workers, 2)` segments wait to be written, so the chunks held here (JSON, ~100 bytes
 * a row) stay a few segments' worth whatever the file's size. With two workers that is the
 * segment being written plus the next, read meanwhile: the writer is the slower side, and a
 * third segment held ahead only added ~10 MB to a 1M-row import's peak memory.
 */
export class SegmentReaders implements AsyncDisposable {
  readonly #tasks: readonly SegmentTask[];
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #chunks = new Map<number, ChunkMessage[]>();
  /** Index in `#tasks` of the next segment to hand out, and of the one being written. */
  #next = 0;
  #writing = 0;
  #failure: Error | null = null;
  #wake: (() => void) | null = null;
  #closing = false;

  constructor(input: WorkerInput, tasks: readonly SegmentTask[], workers: number) {
    this.#tasks = tasks;
    const count = Math.max(1, Math.min(workers, tasks.length));
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerUrl, { workerData: input, resourceLimits: WORKER_HEAP });
      worker.on('message', (message: WorkerMessage) => this.#receive(worker, message));
      worker.on('error', (error) => this.#fail(error));
      worker.on('exit', () => {
        if (!this.#closing) this.#fail(new Error('an import worker exited before the import ended'));
      });
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /**
   * Every chunk of every segment, in order. Ends early, without error, when `signal`
   * aborts; throws {@link SegmentReadFailure} when the file cannot be read, and any error a
   * worker dies of.
   */
  async *chunks(signal: AbortSignal): AsyncGenerator<ChunkMessage> {
    const abort = () => this.#wake?.();
    signal.addEventListener('abort', abort);
    try {
      for (; this.#writing < this.#tasks.length; this.#writing++) {
        const seq = (this.#tasks[this.#writing] as SegmentTask).seq;
        this.#handOut();
        for (;;) {
          const chunk = this.#chunks.get(seq)?.shift();
          if (chunk !== undefined) {
            yield chunk;
            if (chunk.last) break;
            continue;
          }
          if (this.#failure !== null) throw this.#failure;
          if (signal.aborted) return;
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
          this.#wake = null;
        }
        this.#chunks.delete(seq);
      }
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #handOut(): void {
    while (
      this.#idle.length > 0 &&
      this.#next < this.#tasks.length &&
      this.#next - this.#writing < Math.max(this.#workers.length, 2)
    ) {
      const worker = this.#idle.shift() as Worker;
      const task = this.#tasks[this.#next++] as SegmentTask;
      this.#chunks.set(task.seq, []);
      worker.postMessage(task);
    }
  }

  #receive(worker: Worker, message: WorkerMessage): void {
    if (message.kind === 'failed') {
      this.#fail(new SegmentReadFailure(message.reason));
      return;
    }
    this.#chunks.get(message.seq)?.push(message);
    if (message.last) {
      this.#idle.push(worker);
      this.#handOut();
    }
    this.#wake?.();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }
}
