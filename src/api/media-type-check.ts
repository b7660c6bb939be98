import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KurirError } from '../domain/errors.ts';

/** The body a route reads itself, by media type (`rawBody`, see operation.ts): uploads. */
function rawBodyOf(request: FastifyRequest): Record<string, unknown> | undefined {
  return (request.routeOptions.schema as { rawBody?: Record<string, unknown> } | undefined)?.rawBody;
}

/**
 * The body types a route takes: the media types of its `rawBody` (uploads), else JSON when
 * it has a body schema, else none.
 */
export function acceptedMediaTypes(request: FastifyRequest): readonly string[] {
  const raw = rawBodyOf(request);
  if (raw !== undefined) return Object.keys(raw);
  return request.routeOptions.schema?.body === undefined ? [] : ['application/json'];
}

/** The bare media type of a request (`application/json`), lower-case, or null without one. */
function mediaTypeOf(request: FastifyRequest): string | null {
  const header = request.headers['content-type'];
  if (typeof header !== 'string') return null;
  return header.split(';')[0]?.trim().toLowerCase() || null;
}

/** The 415 for a body a route does not take, naming the types it does. */
export function unsupportedMediaType(request: FastifyRequest, cause?: unknown): KurirError {
  const accepted = acceptedMediaTypes(request);
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  const sent = mediaTypeOf(request) ?? 'no content type';
  const takes = accepted.length === 0 ? 'no request body' : accepted.join(' or ');
  return new KurirError('request.unsupported_media_type', `${route} takes ${takes}, not ${sent}`, { cause });
}

/**
 * A JSON route refuses a body of another type that some parser of the app read anyway
 * (CSV or plain text is read as a stream, a multipart form is left for the route): else
 * it would fail its schema with "body must be object", which says nothing of the cause.
 * Routes that read their body themselves (`rawBody`) check it as they read it.
 */
export function requireJsonBody(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.schema?.body === undefined || rawBodyOf(request) !== undefined) return;
    const type = mediaTypeOf(request);
    const sentBody =
      Number(request.headers['content-length'] ?? 0) > 0 ||
      request.headers['transfer-encoding'] !== undefined;
    if (sentBody && type !== null && type !== 'application/json') throw unsupportedMediaType(request);
  });
}
