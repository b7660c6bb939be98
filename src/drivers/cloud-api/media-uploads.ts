import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Clock } from '../../domain/clock.ts';
import type { SendError } from '../driver.ts';
import type { GraphClient, GraphFailure } from './graph-client.ts';

export interface MediaUploadsDeps {
  graph: GraphClient;
  clock: Clock;
  phoneNumberId: string;
}

export type UploadResult =
  | { ok: true; id: string }
  /** Meta did not take the upload: classified like a send by the driver. */
  | { ok: false; failure: GraphFailure }
  /** The file itself is the problem. */
  | { ok: false; error: SendError };

/** Uploaded media lives 30 days at Meta; an id is reused for a day less, to be safe. */
const REUSE_MS = 29 * 24 * 60 * 60 * 1000;

const typesByExtension: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.3gp': 'video/3gpp',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.amr': 'audio/amr',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/**
 * Local files (Kurir's file storage names them without an extension) are uploaded to Meta
 * once and then sent by id: a campaign of a million sends one upload, not a million. Files in
 * the store never change under their name, so the path is the cache key. Concurrent sends of
 * one file share one upload.
 */
export class MediaUploads {
  readonly #deps: MediaUploadsDeps;
  readonly #uploaded = new Map<string, { id: string; at: number }>();
  readonly #pending = new Map<string, Promise<UploadResult>>();

  constructor(deps: MediaUploadsDeps) {
    this.#deps = deps;
  }

  /** The Meta media id for the file at `path`, uploading it unless done recently. */
  idFor(path: string, media: { mimeType?: string; fileName?: string }): Promise<UploadResult> {
    const known = this.#uploaded.get(path);
    if (known !== undefined && this.#deps.clock.now() - known.at < REUSE_MS) {
      return Promise.resolve({ ok: true, id: known.id });
    }
    const pending = this.#pending.get(path);
    if (pending !== undefined) return pending;
    const upload = this.#upload(path, media).finally(() => this.#pending.delete(path));
    this.#pending.set(path, upload);
    return upload;
  }

  async #upload(path: string, media: { mimeType?: string; fileName?: string }): Promise<UploadResult> {
    let bytes: Buffer<ArrayBuffer>;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const reason = (error as { code?: string }).code ?? 'unreadable';
      return {
        ok: false,
        error: { kind: 'permanent', code: 'media_unreadable', detail: `media file ${reason}` },
      };
    }
    const fileName = media.fileName ?? basename(path);
    const type = media.mimeType ?? contentTypeOf(fileName, bytes);
    if (type === null) {
      return {
        ok: false,
        error: {
          kind: 'permanent',
          code: 'media_type_unknown',
          detail: 'the media type of the file could not be told; give its MIME type',
        },
      };
    }
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', type);
    form.set('file', new Blob([bytes], { type }), fileName);
    const at = this.#deps.clock.now();
    const answer = await this.#deps.graph.postForm(`/${this.#deps.phoneNumberId}/media`, form);
    if (!answer.ok) return { ok: false, failure: answer.failure };
    const id = (answer.body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') {
      return {
        ok: false,
        error: { kind: 'retryable', code: 'upload_no_id', detail: 'the upload answered no id' },
      };
    }
    this.#uploaded.set(path, { id, at });
    return { ok: true, id };
  }
}

/** The MIME type from the file name's extension, else from the first bytes, else null. */
export function contentTypeOf(fileName: string, bytes: Uint8Array): string | null {
  const byName = typesByExtension[extname(fileName).toLowerCase()];
  if (byName !== undefined) return byName;
  const head = Buffer.from(bytes.subarray(0, 12));
  const ascii = head.toString('latin1');
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii.startsWith('\x89PNG')) return 'image/png';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  if (ascii.startsWith('%PDF')) return 'application/pdf';
  if (ascii.startsWith('OggS')) return 'audio/ogg';
  if (ascii.startsWith('ID3')) return 'audio/mpeg';
  if (ascii.slice(4, 8) === 'ftyp') {
    const brand = ascii.slice(8, 12);
    if (brand === 'M4A ') return 'audio/mp4';
    return brand.startsWith('3gp') ? 'video/3gpp' : 'video/mp4';
  }
  return null;
}
