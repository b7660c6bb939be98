import type { FastifyInstance } from 'fastify';
import { KurirError } from '../domain/errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses JSON bodies as Fastify does (same prototype-poisoning guards, same errors for an
 * empty or broken body), except that the bytes must be UTF-8. Fastify decodes the body with
 * replacement, so a Latin-1 `José` used to be stored as `Jos\uFFFD` without a word; JSON is
 * UTF-8 by definition (RFC 8259), and a CSV import already refuses other encodings.
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      const at = firstInvalidByte(bytes);
      const byte = bytes[at]?.toString(16).toUpperCase().padStart(2, '0');
      done(
        new KurirError(
          'request.malformed_json',
          `The body is not UTF-8: byte 0x${byte} at offset ${at} is not valid UTF-8; send JSON as UTF-8`,
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}

/**
 * Offset of the first byte that is not part of valid UTF-8. Lenient decoding turns each
 * invalid sequence into one U+FFFD; the first such one not spelled by the bytes EF BF BD
 * themselves is the place. Only runs on a body already known to be broken; linear.
 */
function firstInvalidByte(bytes: Buffer): number {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let offset = 0;
  let from = 0;
  for (;;) {
    const i = text.indexOf('\uFFFD', from);
    if (i < 0) return bytes.length;
    offset += Buffer.byteLength(text.slice(from, i));
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
    offset += 3;
    from = i + 1;
  }
}
