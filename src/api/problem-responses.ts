import { type TSchema, Type } from 'typebox';
import { type ErrorCode, errorCatalogue, type FieldError, KurirError } from '../domain/errors.ts';
import { exampleIds } from './example-ids.ts';
import { type Problem, problemOf } from './problem.ts';

/** Where a route's input is checked, so a `request.invalid` example points at a part it has. */
export type InputPart = 'body' | 'query string' | 'path';

interface ProblemSample {
  detail: string;
  errors?: FieldError[];
}

const { contactAna, campaign, import: importId } = exampleIds;

/** What each code's `detail` and `errors` look like, as the server words them. */
const samples: Partial<Record<ErrorCode, ProblemSample>> = {
  'request.malformed_json': {
    detail:
      'The body is not valid JSON: Expected double-quoted property name in JSON at position 41 (line 3 column 1)',
  },
  'request.too_large': { detail: 'Request body is too large' },
  'request.unsupported_media_type': {
    detail: 'POST /v1/contacts/import takes multipart/form-data or text/csv, not application/xml',
  },
  'auth.missing_key': { detail: 'Send an API key as `Authorization: Bearer <key>` or `X-API-Key`' },
  'auth.invalid_key': { detail: 'The API key is unknown or revoked' },
  'workspace.not_found': { detail: 'The workspace no longer exists' },
  'workspace.invalid_country': {
    detail: 'XY is not a country code',
    errors: [{ pointer: '/defaultCountry', detail: 'must be an ISO 3166 alpha-2 code such as DE' }],
  },
  'key.not_found': { detail: `No live key ${exampleIds.ciKey} in this workspace` },
  'key.last_key': { detail: 'Create another key before revoking the last one' },
  'contact.not_found': { detail: `No contact ${contactAna} in this workspace` },
  'contact.invalid_phone': {
    detail: 'The phone number is not a valid number for DE',
    errors: [{ pointer: '/phone', detail: 'is not a valid number for DE' }],
  },
  'contact.duplicate_phone': {
    detail: 'A contact with phone +4915112345678 already exists',
    errors: [{ pointer: '/phone', detail: 'is already used by another contact' }],
  },
  'suppression.not_found': { detail: `No suppression ${exampleIds.suppression} in this workspace` },
  'suppression.duplicate': {
    detail: '+6281234567890 is already suppressed',
    errors: [{ pointer: '/phone', detail: 'is already on the suppression list' }],
  },
  'template.not_found': { detail: `No template ${exampleIds.template} in this workspace` },
  'template.invalid': {
    detail: 'The template has 1 problem',
    errors: [{ pointer: '/variants/0', detail: "line 1, column 1: unclosed '{' opened here" }],
  },
  'template.unknown_variable': {
    detail: 'Unknown variables: city',
    errors: [
      {
        pointer: '/variants/0',
        detail: "variable 'city' is not a field of any contact and has no default (write {{city|default}})",
      },
    ],
  },
  'template.duplicate_name': {
    detail: 'A template named "Spring sale" already exists',
    errors: [{ pointer: '/name', detail: 'is already used by another template' }],
  },
  'file.not_found': { detail: `No file ${exampleIds.file} in this workspace` },
  'file.too_large': { detail: 'The file is larger than 536870912 bytes' },
  'import.not_found': { detail: `No import ${importId} in this workspace` },
  'import.invalid_csv': {
    detail:
      'The CSV cannot be read: line 1204: a quoted value starting on this line is never closed; a " is missing',
    errors: [{ line: 1204, detail: 'a quoted value starting on this line is never closed; a " is missing' }],
  },
  'import.invalid_mapping': {
    detail: 'The column mapping does not fit the CSV (its header: Name, Mobile, Town)',
    errors: [{ pointer: '/mapping/phone', detail: 'column "Phone" is not in the header' }],
  },
  'sender.not_found': { detail: `No sender ${exampleIds.baileysSender} in this workspace` },
  'sender.invalid': {
    detail: 'The config does not fit the simulator driver',
    errors: [{ pointer: '/config/phone', detail: 'must match pattern "^\\+[1-9][0-9]{6,14}$"' }],
  },
  'sender.in_use': {
    detail: `Campaign ${campaign} uses this sender; stop it or remove the sender from it first`,
  },
  'sender.unavailable': { detail: 'The sender has no session; connect it first' },
  'campaign.not_found': { detail: `No campaign ${campaign} in this workspace` },
  'campaign.invalid': {
    detail: 'The campaign cannot run as defined',
    errors: [{ pointer: '/window/timezone', detail: 'is not an IANA time zone such as Europe/Berlin' }],
  },
  'campaign.invalid_state': { detail: `Cannot start campaign ${campaign}: it is completed` },
  'campaign.audience_importing': {
    detail:
      'The audience CSV is still being imported (40% of 12000 rows); ' +
      `start again when GET /v1/contacts/import/${importId} says completed`,
  },
  'message.not_found': { detail: `No message ${exampleIds.message} in this workspace` },
  'webhook.forbidden': { detail: 'The verify token does not match' },
  'webhook.bad_signature': { detail: 'The X-Hub-Signature-256 does not match the body' },
  'server.unavailable': { detail: 'The database does not answer' },
  'server.internal': { detail: 'Something went wrong; the request id is in the log' },
};

/** `request.invalid` names the part of the request that failed its schema. */
const invalidSamples: Record<InputPart, ProblemSample> = {
  body: {
    detail: 'The body is not valid',
    errors: [
      { pointer: '/phone', detail: 'must be string' },
      { pointer: '/nickname', detail: 'is not a known field' },
    ],
  },
  'query string': {
    detail: 'The query string is not valid',
    errors: [{ parameter: 'limit', detail: 'must be <= 500' }],
  },
  path: {
    detail: 'The path is not valid',
    errors: [{ parameter: 'id', detail: 'must match pattern "^[a-z]+_[0-9a-z]{1,40}$"' }],
  },
};

function sampleProblem(code: ErrorCode, part: InputPart): Problem {
  const sample =
    code === 'request.invalid'
      ? invalidSamples[part]
      : (samples[code] ?? { detail: errorCatalogue[code].title });
  const error = new KurirError(code, sample.detail, sample.errors ? { errors: sample.errors } : {});
  return { ...problemOf(error), requestId: exampleIds.request };
}

const problemRef = Type.Unsafe<Problem>({ $ref: 'Problem#' });

export interface ProblemResponse {
  description: string;
  content: {
    'application/problem+json': {
      schema: TSchema;
      examples: Record<string, { summary: string; value: Problem }>;
    };
  };
}

/**
 * The error responses of an operation, one per status: described by the codes it may
 * answer with (their titles from the catalogue), served as `application/problem+json`,
 * with an example of each code. `part` picks the `request.invalid` example.
 */
export function problemResponses(
  codes: readonly ErrorCode[],
  part: InputPart,
): Record<number, ProblemResponse> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ProblemResponse> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const line = (code: ErrorCode) => `\`${code}\`: ${errorCatalogue[code].title}`;
    responses[status] = {
      description:
        group.length === 1 ? line(group[0] as ErrorCode) : group.map((c) => `- ${line(c)}`).join('\n'),
      content: {
        'application/problem+json': {
          schema: problemRef,
          examples: Object.fromEntries(
            group.map((code) => [
              code,
              { summary: errorCatalogue[code].title, value: sampleProblem(code, part) },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}
