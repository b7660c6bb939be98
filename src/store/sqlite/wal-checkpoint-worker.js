// @ts-check
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The checkpointer's thread: its own connection to the database file, which copies the
 * write-ahead log back into the database when asked. PASSIVE never waits for a lock and
 * never blocks the writer: it copies what no reader still needs and reports how far it got.
 *
 * Plain JavaScript, unlike the rest of Kurir: a thread that loads TypeScript also loads
 * Node's type stripper into its own isolate, 11 MB for these few lines, and a contact
 * import's memory bound counts every thread. Messages are `CheckpointRequest` in and
 * `CheckpointResult` out (see `wal-checkpointer.ts`), types `npm run typecheck` holds this
 * file to through its JSDoc; they cost nothing at run time.
 */
const port = parentPort;
if (port === null) throw new Error('wal-checkpoint-worker.js runs as a worker thread');
const db = new DatabaseSync(workerData.file);
// Checkpoints sync the log before copying and the database after, as the main connection's
// own would (synchronous is per connection).
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

port.on('message', (/** @type {import('./wal-checkpointer.ts').CheckpointRequest} */ request) => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  const row = /** @type {{ log: number, checkpointed: number }} */ (checkpoint.get());
  /** @type {import('./wal-checkpointer.ts').CheckpointResult} */
  const result = { log: Number(row.log), checkpointed: Number(row.checkpointed) };
  port.postMessage(result);
});
