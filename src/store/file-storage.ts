import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KurirError } from '../domain/errors.ts';

export interface SavedBytes {
  size: number;
  sha256: string;
}

/**
 * Bytes of uploaded files on local disk, under `<dir>/<workspace>/<file id>`. A file is
 * written to a temporary name, flushed to disk and renamed, so after a crash it is either
 * whole or absent — never half an upload that an import would read as complete.
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
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(4).toString('hex')}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const out = fs.createWriteStream(temp, { flags: 'wx' });
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
}
