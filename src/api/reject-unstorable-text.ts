import type { FastifyInstance } from 'fastify';
import { type FieldError, KurirError } from '../domain/errors.ts';
import { findUnstorableText, pointerOf } from '../domain/storable-text.ts';

const parts = [
  { key: 'params', what: 'path' },
  { key: 'query', what: 'query string' },
  { key: 'body', what: 'body' },
] as const;

/**
 * Refuses, on every route, text that no database column can hold: NUL characters and
 * unpaired surrogates anywhere in the path parameters, the query string or a JSON body
 * (`domain/storable-text.ts` says why). One check before validation, for every string that
 * could reach the store, rather than a rule per field schema that a new field could miss;
 * PostgreSQL used to answer such input with a 500 and SQLite to store it. Query and path
 * parameters are named as `parameter`, body places as a JSON Pointer, like schema errors.
 * Multipart fields and file names are checked where they are read (`multipart.ts`).
 */
export function rejectUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const { key, what } of parts) {
      const found = findUnstorableText(request[key]);
      if (found.length === 0) continue;
      const errors: FieldError[] = found.map(({ path, detail }) =>
        key === 'body' ? { pointer: pointerOf(path), detail } : { parameter: parameterName(path), detail },
      );
      throw new KurirError('request.invalid', `The ${what} is not valid`, { errors });
    }
  });
}

/**
 * A query or path parameter by its name (`tag`, `field.city`, `id`); the index of a
 * repeated one is left out. A name that is itself bad text is shown escaped.
 */
function parameterName(path: readonly string[]): string {
  const name = path[0] ?? 'request';
  return name.isWellFormed() && !name.includes('\u0000') ? name : JSON.stringify(name).slice(1, -1);
}
