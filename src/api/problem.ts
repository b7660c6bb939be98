import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ErrorCode,
  errorCatalogue,
  type FieldError,
  isKurirError,
  KurirError,
  pointerEscape,
} from '../domain/errors.ts';
import { unsupportedMediaType } from './media-type-check.ts';

/** RFC 9457 problem details, with Kurir's stable `code` and per-field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

const DOCS_BASE = 'https://kurir.dev/errors#';
const MAX_LISTED_ERRORS = 50;

export function problemOf(error: KurirError, request?: FastifyRequest): Problem {
  const problem: Problem = {
    type: DOCS_BASE + error.code,
    title: errorCatalogue[error.code].title,
    status: error.status,
    detail: error.detail,
    code: error.code,
  };
  if (request) {
    problem.instance = request.url.split('?')[0] ?? request.url;
    problem.requestId = request.id;
  }
  if (error.errors && error.errors.length > 0) problem.errors = error.errors.slice(0, MAX_LISTED_ERRORS);
  return problem;
}

export function sendProblem(reply: FastifyReply, error: KurirError): FastifyReply {
  if (error.retryAfterMs !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  return reply
    .code(error.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(problemOf(error, reply.request));
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Turns Ajv's errors into field errors a user can act on: where, and what is wrong. With
 * `pointerPrefix`, body pointers are re-rooted under it (a value checked on its own that
 * sits at `/config` of the body, say); the value's own root becomes the prefix itself.
 */
export function validationErrors(
  validation: AjvLikeError[],
  part: string | undefined,
  pointerPrefix?: string,
): FieldError[] {
  const out: FieldError[] = [];
  for (const v of validation) {
    let path = v.instancePath ?? '';
    let detail = v.message ?? 'is not valid';
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
      path = `${path}/${pointerEscape(v.params.missingProperty)}`;
      detail = 'is required';
    } else if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
      path = `${path}/${pointerEscape(v.params.additionalProperty)}`;
      detail = 'is not a known field';
    } else if (v.keyword === 'enum' && Array.isArray(v.params?.allowedValues)) {
      detail = `must be one of: ${(v.params.allowedValues as unknown[]).join(', ')}`;
    } else if (v.keyword === 'const') {
      detail = `must be ${JSON.stringify(v.params?.allowedValue)}`;
    }
    if (part === 'body') out.push({ pointer: path === '' ? '/' : path, detail });
    else out.push({ parameter: path.replace(/^\//, '') || part || 'request', detail });
  }
  // anyOf failures repeat one place several times; keep the first reason for each place.
  const seen = new Set<string>();
  const unique = out.filter((e) => {
    const key = `${e.pointer ?? e.parameter}|${e.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (pointerPrefix === undefined) return unique;
  return unique.map((e) =>
    e.pointer === undefined ? e : { ...e, pointer: `${pointerPrefix}${e.pointer === '/' ? '' : e.pointer}` },
  );
}

/** Fastify's own client errors, by code, to ours. Anything else with a 4xx status is `request.invalid`. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_REQ_FILE_TOO_LARGE: 'file.too_large',
  FST_FILES_LIMIT: 'request.invalid',
  FST_PARTS_LIMIT: 'request.invalid',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'request.unsupported_media_type',
};

function toKurirError(error: FastifyError | Error, request: FastifyRequest): KurirError | null {
  if (isKurirError(error)) return error;
  const e = error as FastifyError & { validationContext?: string };
  if (e.validation) {
    const part = e.validationContext;
    const names: Record<string, string> = {
      body: 'body',
      querystring: 'query string',
      params: 'path',
      headers: 'headers',
    };
    const what = names[part ?? ''] ?? 'request';
    return new KurirError('request.invalid', `The ${what} is not valid`, {
      errors: validationErrors(e.validation as AjvLikeError[], part),
      cause: error,
    });
  }
  // Fastify found no parser for the body's type: say which types this route takes.
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return unsupportedMediaType(request, error);
  if (e.code && fastifyCodes[e.code]) {
    const code = fastifyCodes[e.code] as ErrorCode;
    const detail = code === 'request.malformed_json' ? `The body is not valid JSON: ${e.message}` : e.message;
    return new KurirError(code, detail, { cause: error });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new KurirError('request.too_large', e.message, { cause: error });
    if (e.statusCode === 415)
      return new KurirError('request.unsupported_media_type', e.message, { cause: error });
    return new KurirError('request.invalid', e.message, { cause: error });
  }
  return null;
}

/** Every error leaves as problem JSON; unknown ones become a bare 500, logged once here. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toKurirError(error, request);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, known);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      new KurirError('server.internal', 'Something went wrong; the request id is in the log'),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new KurirError('request.not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
