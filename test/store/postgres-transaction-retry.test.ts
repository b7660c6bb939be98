import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFLICT_ATTEMPTS, type TransactionOptions } from '../../src/store/store.ts';
import { openPostgresTestStore, otherConnection } from '../support/stores.ts';

/**
 * A real deadlock between a store transaction and another connection. The store's
 * transaction locks workspace A, then waits for B, which the other connection holds; only
 * then does the other connection ask for A. PostgreSQL aborts the transaction that has
 * waited longest once its deadlock timeout (1 s by default) passes: the store's.
 */
async function deadlockAgainstAnotherConnection(options: TransactionOptions) {
  const { store, schema } = await openPostgresTestStore(2);
  try {
    await using other = await otherConnection(schema);
    const [a, b] = ['ws_a', 'ws_b'];
    for (const id of [a, b])
      await store.workspaces.create({ id, name: id, defaultCountry: null, createdAt: 0 });
    await other.client.query('BEGIN');
    await other.client.query(`UPDATE workspaces SET name = 'other' WHERE id = $1`, [b]);
    let runs = 0;
    const outcome = store
      .transaction(async (tx) => {
        runs++;
        await tx.workspaces.update(a, { name: `run ${runs}` });
        await tx.workspaces.update(b, { name: `run ${runs}` });
      }, options)
      .then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    await other.blocking();
    // Closes the cycle; returns once PostgreSQL has aborted the store's transaction.
    await other.client.query(`UPDATE workspaces SET name = 'other' WHERE id = $1`, [a]);
    await other.client.query('COMMIT');
    const result = await outcome;
    const names = [(await store.workspaces.get(a))?.name, (await store.workspaces.get(b))?.name];
    return { result, runs, names };
  } finally {
    await store.close();
  }
}

test('postgres: a transaction that opts in is run again after PostgreSQL aborts it as a deadlock victim', async () => {
  const { result, runs, names } = await deadlockAgainstAnotherConnection({ retryConflicts: true });
  assert.deepEqual(result, { ok: true });
  // Usually the second run commits; it may beat the other connection to the first row and be
  // the victim of the same cycle again, within the bound.
  assert.ok(runs >= 2 && runs <= CONFLICT_ATTEMPTS, `${runs} runs`);
  assert.deepEqual(names, [`run ${runs}`, `run ${runs}`], 'the last run wrote after the other connection');
});

test('postgres: without opting in, the deadlock reaches the caller and nothing of it is kept', async () => {
  const { result, runs, names } = await deadlockAgainstAnotherConnection({});
  assert.equal(result.ok, false);
  assert.equal((result.ok ? null : (result.error as { code?: string }))?.code, '40P01');
  assert.equal(runs, 1);
  assert.deepEqual(names, ['other', 'other']);
});
