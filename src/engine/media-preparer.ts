import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Clock } from '../domain/clock.ts';
import { KurirError } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Attachment } from '../domain/template.ts';
import type { FileStorage } from '../store/file-storage.ts';
import type { Store } from '../store/store.ts';

export interface MediaPreparerDeps {
  store: Store;
  files: FileStorage;
  clock: Clock;
  newId: IdFactory;
  /** Images larger than this are re-encoded before a campaign sends them. */
  imageMaxBytes: number;
  /** Reads a media URL's bytes, up to a limit. */
  fetchMedia: (url: string, limitBytes: number) => Promise<Buffer>;
}

/** The largest source image Kurir will shrink (bigger ones are refused before the start). */
const SOURCE_IMAGE_LIMIT = 25 * 1024 * 1024;

/**
 * The most pixels Kurir decodes: sharp's own default (16383 × 16383), stated so that the
 * refusal can name it. A PNG of a few kilobytes can declare far more (a 20,000 × 20,000
 * image of one colour compresses to under 50 KB) and would take gigabytes to decode.
 */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

/** Tries from gentle to harsh; the first result under the limit wins. */
const attempts = [
  { side: 2048, quality: 85 },
  { side: 1600, quality: 80 },
  { side: 1280, quality: 72 },
  { side: 1024, quality: 65 },
  { side: 800, quality: 58 },
  { side: 640, quality: 50 },
];

/**
 * Makes a campaign's images small enough to send well: an image over `imageMaxBytes`
 * (350 KB by default, as the earlier broadcaster did) is re-encoded as JPEG, smaller and
 * softer step by step until it fits, and stored as a file of its own. It runs once when a
 * campaign starts, so every recipient gets the same bytes and no send waits for it.
 */
export async function prepareImages(
  deps: MediaPreparerDeps,
  workspaceId: string,
  attachments: readonly Attachment[],
): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const [i, a] of attachments.entries()) {
    if (a.type !== 'image') {
      out.push(a);
      continue;
    }
    const source = await load(deps, workspaceId, a, i);
    await refuseTooManyPixels(source.bytes, i);
    if (source.bytes.length <= deps.imageMaxBytes) {
      out.push(a);
      continue;
    }
    const smaller = await shrink(source.bytes, deps.imageMaxBytes, i);
    const id = deps.newId('file');
    const saved = await deps.files.save(workspaceId, id, Readable.from([smaller]), smaller.length + 1);
    const base = source.name.replace(/\.[^.]+$/, '') || 'image';
    await deps.store.files.create({
      id,
      workspaceId,
      name: `${base}.jpg`,
      contentType: 'image/jpeg',
      size: saved.size,
      sha256: saved.sha256,
      createdAt: deps.clock.now(),
    });
    const { url: _url, ...rest } = a;
    out.push({ ...rest, fileId: id, fileName: `${base}.jpg` });
  }
  return out;
}

async function load(
  deps: MediaPreparerDeps,
  workspaceId: string,
  a: Attachment,
  i: number,
): Promise<{ bytes: Buffer; name: string }> {
  if (a.fileId !== undefined) {
    const stored = await deps.store.files.get(workspaceId, a.fileId);
    const chunks: Buffer[] = [];
    for await (const chunk of deps.files.createReadStream(workspaceId, a.fileId))
      chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), name: a.fileName ?? stored?.name ?? 'image' };
  }
  try {
    const bytes = await deps.fetchMedia(a.url ?? '', SOURCE_IMAGE_LIMIT);
    return {
      bytes,
      name: a.fileName ?? new URL(a.url ?? 'http://x/image').pathname.split('/').pop() ?? 'image',
    };
  } catch (error) {
    throw new KurirError('campaign.invalid', 'An image could not be fetched', {
      errors: [{ pointer: `/template/attachments/${i}/url`, detail: (error as Error).message }],
      cause: error,
    });
  }
}

/**
 * Refuses an image whose header declares more than {@link MAX_IMAGE_PIXELS}, however few
 * bytes it has: shrinking it would fail, and sending it would hand every recipient's phone
 * the decoding. The header is read without decoding (hence no limit on that read). Bytes
 * that are no image sharp knows pass here: a small one is sent as it is, a large one
 * fails to shrink with its own reason.
 */
async function refuseTooManyPixels(bytes: Buffer, i: number): Promise<void> {
  let width: number;
  let height: number;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    return;
  }
  if (!(width * height > MAX_IMAGE_PIXELS)) return;
  throw new KurirError('campaign.invalid', 'An image has too many pixels to read', {
    errors: [
      {
        pointer: `/template/attachments/${i}`,
        detail: `has too many pixels: ${width}×${height}, limit ${MAX_IMAGE_PIXELS}`,
      },
    ],
  });
}

async function shrink(source: Buffer, limit: number, i: number): Promise<Buffer> {
  let last: Buffer | null = null;
  try {
    for (const step of attempts) {
      last = await sharp(source, { limitInputPixels: MAX_IMAGE_PIXELS })
        .rotate() // honour EXIF orientation before it is dropped
        .resize({ width: step.side, height: step.side, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: step.quality })
        .toBuffer();
      if (last.length <= limit) return last;
    }
  } catch (error) {
    throw new KurirError('campaign.invalid', 'An image could not be read', {
      errors: [
        {
          pointer: `/template/attachments/${i}`,
          detail: 'is not an image Kurir can read (JPEG, PNG, WebP, GIF, TIFF, AVIF)',
        },
      ],
      cause: error,
    });
  }
  throw new KurirError('campaign.invalid', 'An image stays too large even when shrunk', {
    errors: [
      {
        pointer: `/template/attachments/${i}`,
        detail: `is still ${last?.length} bytes at 640 px; the limit is ${limit}`,
      },
    ],
  });
}
