import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointRequest, CheckpointResult } from './wal-checkpointer.ts';

/**
 * The checkpointer's thread: its own connection to the database file, which copies the
 * write-ahead log back into the database when asked. PASSIVE never waits for a lock and
 * never blocks the writer: it copies what no reader still needs and reports how far it got.
 */
const port = parentPort;
if (port === null) throw new Error('wal-checkpoint-worker.ts runs as a worker thread');
const db = new DatabaseSync((workerData as { file: string }).file);
// Checkpoints sync the log before copying and the database after, as the main connection's
// own would (synchronous is per connection).
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

port.on('message', (request: CheckpointRequest) => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  const row = checkpoint.get() as { log: number; checkpointed: number };
  port.postMessage({
    log: Number(row.log),
    checkpointed: Number(row.checkpointed),
  } satisfies CheckpointResult);
});
