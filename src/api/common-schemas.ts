import { type Static, type TSchema, Type } from 'typebox';

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

/**
 * Gives a schema JSON Schema `examples` (and returns it), each checked against the
 * schema's type here and against the schema itself by the OpenAPI test. The docs show the
 * first as the example of a body or response.
 */
export function addExamples<T extends TSchema>(schema: T, ...examples: [Static<T>, ...Static<T>[]]): T {
  return Object.assign(schema, { examples });
}

/**
 * Like `addExamples`, with a name and a summary for each, which the docs page offers to
 * pick from (`x-examples` becomes the body's OpenAPI `examples`).
 */
export function addNamedExamples<T extends TSchema>(
  schema: T,
  named: Record<string, { summary: string; value: Static<T> }>,
): T {
  const values = Object.values(named).map((e) => e.value) as [Static<T>, ...Static<T>[]];
  return Object.assign(addExamples(schema, ...values), { 'x-examples': named });
}

/** The first of a schema's `examples`, to build a variant of it for another response. */
export function exampleOf<T extends TSchema>(schema: T): Static<T> {
  const [first] = (schema as { examples?: Static<T>[] }).examples ?? [];
  if (first === undefined) throw new Error('the schema has no examples');
  return first;
}

/** A shared schema (one with an `$id`) by reference; any other as it is. */
export function refTo<T extends TSchema>(schema: T): T {
  const { $id } = schema as { $id?: unknown };
  return (typeof $id === 'string' ? Type.Unsafe({ $ref: `${$id}#` }) : schema) as T;
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

/** A page of `item`s; its example is the item's, with the cursor of the page after it. */
export function pageOf<T extends TSchema>(item: T, name: string) {
  const example = (item as { examples?: unknown[] }).examples?.[0] as { id?: unknown } | undefined;
  return Type.Object(
    { data: Type.Array(refTo(item)), nextCursor: Nullable(Type.String()) },
    {
      title: `${name}Page`,
      ...(example === undefined
        ? {}
        : {
            examples: [{ data: [example], nextCursor: typeof example.id === 'string' ? example.id : null }],
          }),
    },
  );
}

export function toIso(ms: number): string;
export function toIso(ms: number | null): string | null;
export function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A string limited to the given values (a JSON Schema `enum`), typed as their union. */
export function oneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
