import type { ApiKey } from '../domain/api-key.ts';
import { generateApiKey } from '../domain/api-key.ts';
import type { Clock } from '../domain/clock.ts';
import { KurirError } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Random } from '../domain/random.ts';
import type { Store } from '../store/store.ts';

export interface KeyDeps {
  store: Store;
  clock: Clock;
  random: Random;
  newId: IdFactory;
}

/** Creates a key and returns its secret: the only moment the secret exists outside the caller. */
export async function createApiKey(
  deps: KeyDeps,
  workspaceId: string,
  name: string,
): Promise<{ key: ApiKey; secret: string }> {
  const { secret, prefix, hash } = generateApiKey(deps.random);
  const key: ApiKey = {
    id: deps.newId('key'),
    workspaceId,
    name,
    prefix,
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await deps.store.apiKeys.create(key, hash);
  return { key, secret };
}

/**
 * Revokes a key unless it is the workspace's last live one: with none left, only someone
 * with shell access to the server could get back in.
 */
export async function revokeApiKey(
  deps: Pick<KeyDeps, 'store' | 'clock'>,
  workspaceId: string,
  id: string,
): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const key = await tx.apiKeys.get(workspaceId, id);
    if (key === null || key.revokedAt !== null)
      throw new KurirError('key.not_found', `No live key ${id} in this workspace`);
    if ((await tx.apiKeys.countActive(workspaceId)) <= 1) {
      throw new KurirError('key.last_key', 'Create another key before revoking the last one');
    }
    await tx.apiKeys.revoke(workspaceId, id, deps.clock.now());
  });
}
