import { type Static, type TSchema, Type } from 'typebox';
import type { ErrorCode } from '../domain/errors.ts';
import type { ApiTag } from './api-tags.ts';
import { refTo } from './common-schemas.ts';
import { type InputPart, problemResponses } from './problem-responses.ts';

/**
 * What every route declares, in its `schema`: the OpenAPI operation (a unique camelCase
 * `operationId`, a `summary`, one tag), its inputs, its successful responses with their
 * descriptions and examples, and the error codes it may answer with. `operation()` turns
 * that into the Fastify schema that validates, serialises and documents the route.
 */
export interface OperationSpec {
  /** A camelCase verb and noun, unique in the API: `listContacts`, `startCampaign`. */
  operationId: string;
  summary: string;
  description?: string;
  tags: [ApiTag];
  /** `[]` for a route that needs no API key (health, Meta's webhooks). */
  security?: [];
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  /** A JSON body, validated before the handler runs; its schema carries `examples`. */
  body?: TSchema;
  /**
   * A body the handler reads itself, by media type: a multipart upload or raw CSV it
   * streams to disk, the exact bytes a signature covers. Documented, never validated by
   * Fastify (the handler checks it as it reads); each schema carries `examples`.
   */
  rawBody?: Record<string, TSchema>;
  /** Successful responses: `reply`, `noContent`, `text` or `binary`. */
  response: Record<number, unknown>;
  /**
   * The catalogue codes the route may answer with besides the ones every route of its
   * kind has: 401 without a key, 400 `request.invalid` for input that fails its schema,
   * `request.malformed_json` and a 415 `request.unsupported_media_type` for a JSON body.
   */
  errors?: ErrorCode[];
}

/** The Fastify route schema for an operation; see {@link OperationSpec}. */
export function operation<S extends OperationSpec>(spec: S): Omit<S, 'errors'> {
  const { errors = [], ...schema } = spec;
  const codes: ErrorCode[] = [];
  if (spec.security === undefined) codes.push('auth.missing_key', 'auth.invalid_key');
  const part: InputPart | null =
    spec.body !== undefined || spec.rawBody !== undefined
      ? 'body'
      : spec.querystring !== undefined
        ? 'query string'
        : spec.params !== undefined
          ? 'path'
          : null;
  if (part !== null) codes.push('request.invalid');
  if (spec.body !== undefined) codes.push('request.malformed_json', 'request.unsupported_media_type');
  codes.push(...errors);
  return { ...schema, response: { ...spec.response, ...problemResponses(codes, part ?? 'body') } };
}

/**
 * A JSON response: a shared schema (one with an `$id`, registered with the app) by
 * reference, any other inline. The example is the schema's first, unless given.
 */
export function reply<T extends TSchema>(
  description: string,
  schema: T,
  options: { example?: Static<T> } = {},
) {
  const example = options.example ?? (schema as { examples?: unknown[] }).examples?.[0];
  return {
    description,
    content: {
      'application/json': {
        schema: refTo(schema),
        ...(example === undefined ? {} : { example }),
      },
    },
  };
}

/** An empty response (204). */
export function noContent(description: string) {
  return Type.Null({ description });
}

/** A text the handler sends as it is or streams (CSV, server-sent events, a plain string). */
export function text(description: string, mediaType: string, example: string) {
  return { description, content: { [mediaType]: { schema: Type.String(), example } } };
}

/** Bytes the handler sends as they are (an image, a stored file). */
export function binary(description: string, mediaType: string) {
  return {
    description,
    content: { [mediaType]: { schema: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }) } },
  };
}
