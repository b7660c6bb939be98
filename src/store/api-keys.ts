import type { ApiKey } from '../domain/api-key.ts';
import type { Workspace } from '../domain/workspace.ts';
import type { ApiKeyTable, Db } from './database.ts';

function toApiKey(row: ApiKeyTable): ApiKey {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class ApiKeyRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a key by its hash; the secret itself is never written anywhere. */
  async create(key: ApiKey, hash: string): Promise<ApiKey> {
    await this.#db
      .insertInto('api_keys')
      .values({
        id: key.id,
        workspace_id: key.workspaceId,
        name: key.name,
        prefix: key.prefix,
        hash,
        created_at: key.createdAt,
        last_used_at: key.lastUsedAt,
        revoked_at: key.revokedAt,
      })
      .execute();
    return key;
  }

  /** The live key with this hash and its workspace; revoked keys are not found. */
  async authenticate(hash: string): Promise<{ key: ApiKey; workspace: Workspace } | null> {
    const row = await this.#db
      .selectFrom('api_keys')
      .innerJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
      .selectAll('api_keys')
      .select([
        'workspaces.name as ws_name',
        'workspaces.default_country as ws_country',
        'workspaces.created_at as ws_created',
      ])
      .where('api_keys.hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    return {
      key: toApiKey(row),
      workspace: {
        id: row.workspace_id,
        name: row.ws_name,
        defaultCountry: row.ws_country,
        createdAt: row.ws_created,
      },
    };
  }

  async get(workspaceId: string, id: string): Promise<ApiKey | null> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  /** All keys of a workspace, revoked ones included, newest first. */
  async list(workspaceId: string): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toApiKey);
  }

  async countActive(workspaceId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the key revoked; returns false when it was not found or already revoked. */
  async revoke(workspaceId: string, id: string, at: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.#db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
