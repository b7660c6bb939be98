import { MAX_TAGS, normaliseTags } from '../../domain/contact.ts';
import { type FieldError, KurirError } from '../../domain/errors.ts';
import type { ImportOptions, OnDuplicate } from '../../domain/job.ts';
import { type MappingRequest, resolveMapping } from './column-mapping.ts';
import type { Delimiter } from './csv-dialect.ts';
import type { CsvShape } from './csv-inspector.ts';

/** What a caller asks of an import; every part is optional. */
export interface ImportRequest {
  /** Which header feeds which property; by header name when absent (see `resolveMapping`). */
  mapping?: MappingRequest;
  /** What a row whose phone is already a contact does; `update` by default. */
  onDuplicate?: OnDuplicate;
  /** Tags added to every imported contact. */
  tags?: string[];
  /**
   * The one character that separates tags in the tags column. When absent, any of
   * `;` `,` `|` does: spreadsheets and CRMs export all three, and none belongs in a tag.
   */
  tagSeparator?: string;
  /** Detected from the header when absent. */
  delimiter?: Delimiter;
  /** Note which contacts the file lists: set for a campaign's audience upload. */
  recordMembers?: boolean;
}

/** Separators used when the request names none; stored in the job as a set of characters. */
export const DEFAULT_TAG_SEPARATORS = ';,|';

/**
 * Checks the parts of a request that do not depend on the file, before any byte of it is
 * stored: a mistake here costs the caller nothing but a retry.
 */
export function checkRequest(request: ImportRequest): void {
  const errors: FieldError[] = [];
  const separator = request.tagSeparator;
  if (separator !== undefined && (separator.length !== 1 || /[\p{L}\p{N}\s"]/u.test(separator))) {
    errors.push({
      pointer: '/tagSeparator',
      detail: 'must be one character that is not a letter, digit, space or "',
    });
  }
  if (request.tags !== undefined && normaliseTags(request.tags).length > MAX_TAGS) {
    errors.push({ pointer: '/tags', detail: `at most ${MAX_TAGS} tags` });
  }
  if (errors.length > 0)
    throw new KurirError('request.invalid', 'The import options are not valid', { errors });
}

/** The job's options: the request completed by what the upload showed. */
export function importOptions(request: ImportRequest, shape: CsvShape): ImportOptions {
  return {
    mapping: resolveMapping(shape.header, request.mapping),
    onDuplicate: request.onDuplicate ?? 'update',
    tags: normaliseTags(request.tags ?? []),
    tagSeparator: request.tagSeparator ?? DEFAULT_TAG_SEPARATORS,
    delimiter: shape.delimiter,
    ...(request.recordMembers === true ? { recordMembers: true } : {}),
  };
}
