import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KurirError } from '../domain/errors.ts';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE, opensToOthers } from '../domain/owner-only.ts';

/** Where uploaded files live inside a data directory. */
export function fileStorageDir(dataDir: string): string {
  return path.join(dataDir, 'files');
}

export interface SavedBytes {
  size: number;
  sha256: string;
}

/**
 * Bytes of uploaded files on local disk, under `<dir>/<workspace>/<file id>`. A file is
 * written to a temporary name, flushed to disk and renamed, so after a crash it is either
 * whole or absent — never half an upload that an import would read as complete. Folders
 * are 0700 and files 0600 (owner only) from creation, whatever the umask.
 */
export class FileStorage {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  path(workspaceId: string, fileId: string): string {
    if (!/^[A-Za-z0-9_]+$/.test(workspaceId) || !/^[A-Za-z0-9_]+$/.test(fileId)) {
      throw new Error('invalid file storage key');
    }
    return path.join(this.#dir, workspaceId, fileId);
  }

  /**
   * Streams `source` to disk through optional `inspectors` (transforms that may reject the
   * content by erroring). Over `limitBytes` is `file.too_large`. The file is durable when
   * this resolves; on any error nothing is left behind.
   */
  async save(
    workspaceId: string,
    fileId: string,
    source: Readable,
    limitBytes: number,
    inspectors: Transform[] = [],
  ): Promise<SavedBytes> {
    const target = this.path(workspaceId, fileId);
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: OWNER_ONLY_DIR_MODE });
    const temp = `${target}.${randomBytes(4).toString('hex')}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const out = fs.createWriteStream(temp, { flags: 'wx', mode: OWNER_ONLY_FILE_MODE });
    try {
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > limitBytes) {
            done(new KurirError('file.too_large', `The file is larger than ${limitBytes} bytes`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline([source, measure, ...inspectors, out]);
      const handle = await fs.promises.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(temp, target);
    } catch (error) {
      out.destroy();
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    return { size, sha256: hash.digest('hex') };
  }

  createReadStream(workspaceId: string, fileId: string): fs.ReadStream {
    return fs.createReadStream(this.path(workspaceId, fileId));
  }

  async exists(workspaceId: string, fileId: string): Promise<boolean> {
    try {
      await fs.promises.access(this.path(workspaceId, fileId));
      return true;
    } catch {
      return false;
    }
  }

  async remove(workspaceId: string, fileId: string): Promise<void> {
    await fs.promises.rm(this.path(workspaceId, fileId), { force: true });
  }

  /** The stored files, by workspace and id (uploads still being written are not listed). */
  async list(): Promise<{ workspaceId: string; fileId: string }[]> {
    const names = async (dir: string) => {
      try {
        return (await fs.promises.readdir(dir, { withFileTypes: true })).filter(
          (e) => /^[A-Za-z0-9_]+$/.test(e.name) && (dir === this.#dir ? e.isDirectory() : e.isFile()),
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    };
    const found: { workspaceId: string; fileId: string }[] = [];
    for (const workspace of await names(this.#dir))
      for (const file of await names(path.join(this.#dir, workspace.name)))
        found.push({ workspaceId: workspace.name, fileId: file.name });
    return found;
  }

  /**
   * Takes group and other access away from every folder and file under the storage (from
   * an installation made before they were created owner-only); returns how many changed.
   * Symbolic links are left alone: what they point at is not Kurir's.
   */
  async tighten(): Promise<number> {
    let changed = 0;
    const visit = async (entry: string): Promise<void> => {
      let stat: fs.Stats;
      try {
        stat = await fs.promises.lstat(entry);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      if (stat.isSymbolicLink()) return;
      if (opensToOthers(stat.mode)) {
        await fs.promises.chmod(entry, stat.isDirectory() ? OWNER_ONLY_DIR_MODE : OWNER_ONLY_FILE_MODE);
        changed++;
      }
      if (stat.isDirectory())
        await Promise.all((await fs.promises.readdir(entry)).map((name) => visit(path.join(entry, name))));
    };
    await visit(this.#dir);
    return changed;
  }
}
