import type { StoredFile } from '../domain/file.ts';
import type { Db, FileTable } from './database.ts';

function toFile(row: FileTable): StoredFile {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

/** File metadata; the bytes are in `FileStorage`, written before this row exists. */
export class FileRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(file: StoredFile): Promise<StoredFile> {
    await this.#db
      .insertInto('files')
      .values({
        id: file.id,
        workspace_id: file.workspaceId,
        name: file.name,
        content_type: file.contentType,
        size: file.size,
        sha256: file.sha256,
        created_at: file.createdAt,
      })
      .execute();
    return file;
  }

  async get(workspaceId: string, id: string): Promise<StoredFile | null> {
    const row = await this.#db
      .selectFrom('files')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toFile(row) : null;
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('files')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
