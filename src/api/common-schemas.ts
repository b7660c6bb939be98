import { type TSchema, Type } from 'typebox';

/** Problem JSON as every error leaves the API (RFC 9457 plus `code` and `errors`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable `area.reason` code; see docs/errors.md' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.Optional(Type.String({ description: 'JSON Pointer into the request body' })),
          parameter: Type.Optional(Type.String({ description: 'Query or path parameter' })),
          line: Type.Optional(Type.Integer({ description: 'Line in an uploaded CSV' })),
          detail: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem' },
);

const problemRef = Type.Unsafe<unknown>({ $ref: 'Problem#' });

/** Standard error responses for a route, so each appears in the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemRef]));
}

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 instant' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({
  id: Type.String({ pattern: '^[a-z]+_[0-9a-z]{1,40}$', maxLength: 48 }),
});

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(
    Type.String({
      pattern: '^[a-z]+_[0-9a-z]{1,40}$',
      maxLength: 48,
      description: '`nextCursor` of the previous page',
    }),
  ),
};

/** The store's page request from a `PageQuery`: `cursor` becomes `before`. */
export function pageRequest(query: { limit?: number; cursor?: string }): { limit: number; before?: string } {
  const { limit = 50, cursor } = query;
  return { limit, ...(cursor === undefined ? {} : { before: cursor }) };
}

/** A page as `pageOf` describes it: the items and the cursor of the next page. */
export function pageBody<T>(
  data: T[],
  page: { next: string | null },
): { data: T[]; nextCursor: string | null } {
  return { data, nextCursor: page.next };
}

export function pageOf<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    { data: Type.Array(item), nextCursor: Nullable(Type.String()) },
    { title: `${name}Page` },
  );
}

export function toIso(ms: number): string;
export function toIso(ms: number | null): string | null;
export function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A body sent as a stream (CSV, file bytes): documented, never serialised. */
export function streamed(description: string) {
  return Type.Unsafe<unknown>({ type: 'string', format: 'binary', description });
}

/** A string limited to the given values (a JSON Schema `enum`), typed as their union. */
export function oneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
