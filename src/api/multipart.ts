import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { type FieldError, KurirError } from '../domain/errors.ts';
import { findUnstorableText, pointerOf, unstorableTextReason } from '../domain/storable-text.ts';

export interface UploadedFile {
  stream: Readable;
  fileName: string;
  contentType: string;
}

/**
 * The first file of a multipart request, with the text fields sent before it. Fields after
 * the file cannot be read without buffering the file, so the API asks for them first.
 */
export async function singleFilePart(
  request: FastifyRequest,
  limitBytes: number,
): Promise<{ fields: Record<string, string>; file: UploadedFile }> {
  if (!request.isMultipart()) {
    throw new KurirError(
      'request.unsupported_media_type',
      'Send the file as multipart/form-data in the field `file`',
    );
  }
  // One byte over our own limit, so FileStorage reports `file.too_large` itself.
  const part = await request.file({
    limits: { fileSize: limitBytes + 1, files: 1, fields: 20, fieldSize: 64 * 1024 },
  });
  if (part === undefined) {
    throw new KurirError('request.invalid', 'No file in the upload', {
      errors: [{ pointer: '/file', detail: 'is required' }],
    });
  }
  if (part.fieldname !== 'file') {
    throw new KurirError(
      'request.invalid',
      `The file must be sent in the field \`file\`, not \`${part.fieldname}\``,
      {
        errors: [{ pointer: `/${part.fieldname}`, detail: 'is not a known file field; use `file`' }],
      },
    );
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.fields)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first && first.type === 'field' && typeof first.value === 'string') fields[name] = first.value;
  }
  // The same rule as for JSON bodies (`reject-unstorable-text.ts`): form fields become
  // import options and the file name is stored with the file.
  const errors: FieldError[] = findUnstorableText(fields).map(({ path, detail }) => ({
    pointer: pointerOf(path),
    detail,
  }));
  const nameReason = part.filename ? unstorableTextReason(part.filename) : null;
  if (nameReason !== null) errors.push({ pointer: '/file', detail: `the file name ${nameReason}` });
  if (errors.length > 0) throw new KurirError('request.invalid', 'The form is not valid', { errors });
  return {
    fields,
    file: {
      stream: part.file,
      fileName: (part.filename || 'upload').slice(0, 255),
      contentType: part.mimetype || 'application/octet-stream',
    },
  };
}
