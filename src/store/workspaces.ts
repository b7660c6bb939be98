import type { Workspace } from '../domain/workspace.ts';
import type { Db, WorkspaceTable } from './database.ts';

function toWorkspace(row: WorkspaceTable): Workspace {
  return { id: row.id, name: row.name, defaultCountry: row.default_country, createdAt: row.created_at };
}

export class WorkspaceRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(workspace: Workspace): Promise<Workspace> {
    await this.#db
      .insertInto('workspaces')
      .values({
        id: workspace.id,
        name: workspace.name,
        default_country: workspace.defaultCountry,
        created_at: workspace.createdAt,
      })
      .execute();
    return workspace;
  }

  async get(id: string): Promise<Workspace | null> {
    const row = await this.#db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWorkspace(row) : null;
  }

  /** Every workspace, oldest first (there are few; this is for admin commands). */
  async list(): Promise<Workspace[]> {
    const rows = await this.#db
      .selectFrom('workspaces')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toWorkspace);
  }

  async update(
    id: string,
    patch: { name?: string; defaultCountry?: string | null },
  ): Promise<Workspace | null> {
    const values: Partial<WorkspaceTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.defaultCountry !== undefined) values.default_country = patch.defaultCountry;
    if (Object.keys(values).length > 0) {
      await this.#db.updateTable('workspaces').set(values).where('id', '=', id).execute();
    }
    return this.get(id);
  }
}
