/**
 * The one catalogue of errors a Kurir user can see. Each code is a stable `area.reason`
 * with the HTTP status it maps to; `docs/errors.md` lists the same codes and a test keeps
 * the two in step. Only `api/problem.ts` turns these into RFC 9457 JSON.
 */
export const errorCatalogue = {
  'request.invalid': { status: 400, title: 'The request is not valid' },
  'request.malformed_json': { status: 400, title: 'The body is not valid JSON' },
  'request.too_large': { status: 413, title: 'The body is larger than allowed' },
  'request.unsupported_media_type': { status: 415, title: 'The content type is not supported' },
  'request.not_found': { status: 404, title: 'No such route' },
  'auth.missing_key': { status: 401, title: 'An API key is required' },
  'auth.invalid_key': { status: 401, title: 'The API key is not valid' },
  'workspace.not_found': { status: 404, title: 'No such workspace' },
  'workspace.invalid_country': { status: 422, title: 'Not a known country code' },
  'key.not_found': { status: 404, title: 'No such API key' },
  'key.last_key': { status: 409, title: 'The last active key of a workspace cannot be revoked' },
  'contact.not_found': { status: 404, title: 'No such contact' },
  'contact.invalid_phone': { status: 422, title: 'The phone number is not valid' },
  'contact.duplicate_phone': { status: 409, title: 'A contact with this phone already exists' },
  'suppression.not_found': { status: 404, title: 'No such suppression' },
  'suppression.duplicate': { status: 409, title: 'This phone is already suppressed' },
  'template.not_found': { status: 404, title: 'No such template' },
  'template.invalid': { status: 422, title: 'The template does not parse' },
  'template.unknown_variable': { status: 422, title: 'The template uses variables no contact has' },
  'template.duplicate_name': { status: 409, title: 'A template with this name already exists' },
  'file.not_found': { status: 404, title: 'No such file' },
  'file.too_large': { status: 413, title: 'The file is larger than allowed' },
  'import.not_found': { status: 404, title: 'No such import' },
  'import.invalid_csv': { status: 422, title: 'The CSV cannot be read' },
  'import.invalid_mapping': { status: 422, title: 'The column mapping does not fit the CSV' },
  'sender.not_found': { status: 404, title: 'No such sender' },
  'sender.invalid': { status: 422, title: 'The sender settings are not usable' },
  'sender.in_use': { status: 409, title: 'The sender is used by an active campaign' },
  'sender.unavailable': { status: 409, title: 'The sender cannot send now' },
  'sender.quota_exceeded': { status: 429, title: 'The sender has used up a quota' },
  'campaign.not_found': { status: 404, title: 'No such campaign' },
  'campaign.invalid': { status: 422, title: 'The campaign cannot run as defined' },
  'campaign.invalid_state': { status: 409, title: 'The campaign is not in a state that allows this' },
  'campaign.audience_importing': { status: 409, title: 'The audience CSV is still being imported' },
  'campaign.audience_empty': { status: 422, title: 'The audience selects no contacts' },
  'message.not_found': { status: 404, title: 'No such message' },
  'message.suppressed': { status: 422, title: 'The number is on the suppression list' },
  'message.not_on_whatsapp': { status: 422, title: 'The number has no WhatsApp account' },
  'webhook.forbidden': { status: 403, title: 'The webhook verify token does not match' },
  'webhook.bad_signature': { status: 401, title: 'The webhook signature does not match' },
  'simulator.unknown_sender': {
    status: 422,
    title: "Not the number of one of the workspace's simulator senders",
  },
  'simulator.no_sender': { status: 409, title: 'The workspace has no sender on the built-in simulator' },
  'simulator.invalid_rule': { status: 422, title: 'The reply rule cannot be used' },
  'simulator.not_pairing': { status: 409, title: 'The sender is not waiting to be paired' },
  'server.unavailable': { status: 503, title: 'A dependency is unavailable' },
  'server.internal': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/**
 * One reason tied to a place in the input: a JSON Pointer into the body, a query or path
 * parameter, or a CSV line.
 */
export interface FieldError {
  pointer?: string;
  parameter?: string;
  line?: number;
  detail: string;
}

/** A key or name as one JSON Pointer segment (RFC 6901): `~` and `/` escaped. */
export function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export interface KurirErrorOptions {
  errors?: FieldError[];
  cause?: unknown;
  /** How long to wait before trying again (a quota, a rate limit): sent as `Retry-After`. */
  retryAfterMs?: number;
}

export class KurirError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, detail: string, options: KurirErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'KurirError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.detail = detail;
    this.errors = options.errors;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** What has an `<noun>.not_found` code: `contact`, `template`, `sender`, … */
export type NotFoundNoun = ErrorCode extends infer C ? (C extends `${infer N}.not_found` ? N : never) : never;

/** The 404 for an id that is not in the caller's workspace. */
export function notFound(noun: NotFoundNoun, id: string): KurirError {
  return new KurirError(`${noun}.not_found`, `No ${noun} ${id} in this workspace`);
}

export function isKurirError(error: unknown): error is KurirError {
  return error instanceof KurirError;
}
