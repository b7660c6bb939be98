import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decodeTarHeader, TAR_BLOCK, type TarHeader, tarPadding } from './tar-header.ts';

export interface TarEntry extends TarHeader {
  /** Where the entry's content starts in the archive. */
  offset: number;
}

/** The entries of the ustar archive at `file`, read from their headers (contents skipped). */
export async function readTarIndex(file: string): Promise<TarEntry[]> {
  const input = await fs.promises.open(file, 'r');
  try {
    const { size } = await input.stat();
    const entries: TarEntry[] = [];
    const block = Buffer.alloc(TAR_BLOCK);
    let at = 0;
    for (;;) {
      const { bytesRead } = await input.read(block, 0, TAR_BLOCK, at);
      if (bytesRead < TAR_BLOCK) throw new Error('tar: the archive ends before its end blocks (truncated?)');
      const header = decodeTarHeader(block);
      if (header === null) return entries;
      const offset = at + TAR_BLOCK;
      if (offset + header.size > size) throw new Error(`tar: ${header.name} is cut short (truncated?)`);
      entries.push({ ...header, offset });
      at = offset + header.size + tarPadding(header.size);
    }
  } finally {
    await input.close();
  }
}

/** Reads a small entry whole (a manifest). */
export async function readTarEntry(file: string, entry: TarEntry): Promise<Buffer> {
  const input = await fs.promises.open(file, 'r');
  try {
    const bytes = Buffer.alloc(entry.size);
    await input.read(bytes, 0, entry.size, entry.offset);
    return bytes;
  } finally {
    await input.close();
  }
}

/**
 * Copies an entry's content out of the archive to a new file `target` (which must not
 * exist) with `mode`, flushed to disk; answers with the content's SHA-256 in hex.
 */
export async function extractTarEntry(
  file: string,
  entry: TarEntry,
  target: string,
  mode: number,
): Promise<string> {
  const hash = createHash('sha256');
  const out = fs.createWriteStream(target, { flags: 'wx', mode });
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const source =
    entry.size === 0
      ? Readable.from([])
      : fs.createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
  await pipeline(source, measure, out);
  const written = await fs.promises.open(target, 'r+');
  try {
    await written.sync();
  } finally {
    await written.close();
  }
  return hash.digest('hex');
}
