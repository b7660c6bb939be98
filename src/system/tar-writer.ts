import fs from 'node:fs';
import { encodeTarHeader, TAR_BLOCK, tarPadding } from './tar-header.ts';

/**
 * Writes a ustar archive to an open file, one regular file after another; `finish` writes
 * the end-of-archive blocks. Entries are owner-only (0600) whatever their source's mode.
 */
export class TarWriter {
  readonly #out: fs.promises.FileHandle;

  constructor(out: fs.promises.FileHandle) {
    this.#out = out;
  }

  /** Adds `bytes` as `name`, dated `mtimeMs`. */
  async addBytes(name: string, bytes: Buffer, mtimeMs: number): Promise<void> {
    await this.#out.write(encodeTarHeader({ name, size: bytes.length, mode: 0o600, mtimeMs }));
    await this.#out.write(bytes);
    await this.#pad(bytes.length);
  }

  /**
   * Adds the file at `source` as `name`. The file must not change while it is copied (a
   * backup copies snapshots and write-once uploads): a size that moved fails the archive.
   */
  async addFile(name: string, source: string): Promise<void> {
    const input = await fs.promises.open(source, 'r');
    try {
      const stat = await input.stat();
      await this.#out.write(encodeTarHeader({ name, size: stat.size, mode: 0o600, mtimeMs: stat.mtimeMs }));
      let copied = 0;
      for await (const chunk of input.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
        copied += chunk.length;
        if (copied > stat.size) break;
        await this.#out.write(chunk);
      }
      if (copied !== stat.size) throw new Error(`tar: ${source} changed while it was copied`);
      await this.#pad(stat.size);
    } finally {
      await input.close();
    }
  }

  /** Writes the two zero blocks that end an archive. */
  async finish(): Promise<void> {
    await this.#out.write(Buffer.alloc(2 * TAR_BLOCK));
  }

  async #pad(size: number): Promise<void> {
    const padding = tarPadding(size);
    if (padding > 0) await this.#out.write(Buffer.alloc(padding));
  }
}
