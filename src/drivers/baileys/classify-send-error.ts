import type { SendError } from '../driver.ts';
import { closeCodes, statusOf } from './reconnect-policy.ts';

/** Errors of reading a local media file: the same path fails again. */
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM']);
const MAX_DETAIL = 300;

/**
 * Turns what Baileys threw while sending into a `SendError`. Whether a failed send may have
 * reached WhatsApp follows from where Baileys fails: media is fetched, encrypted and
 * uploaded before the message stanza is written, and `sendMessage` resolves right after the
 * write, so a media error or a closed socket (428: the socket was not open to write on)
 * means nothing left. A timeout, a 5xx or an error we do not know may come after the write:
 * `uncertain`, which is safe to re-send since the part's id is the WhatsApp id.
 */
export function classifySendError(error: unknown): SendError {
  const detail = detailOf(error);
  const status = statusOf(error);
  if (isMediaFetchError(error)) {
    const code = `media_${status ?? 'fetch'}`;
    return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429
      ? { kind: 'permanent', code, detail: `the media could not be fetched: ${detail}` }
      : { kind: 'retryable', code, detail: `the media could not be fetched: ${detail}` };
  }
  const fsCode = (error as { code?: unknown } | null)?.code;
  if (typeof fsCode === 'string' && FILE_ERRORS.has(fsCode)) {
    return {
      kind: 'permanent',
      code: 'media_unreadable',
      detail: `the media file cannot be read: ${detail}`,
    };
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return {
      kind: 'retryable',
      code: 'media_unreachable',
      detail: `the media host is unreachable: ${detail}`,
    };
  }
  switch (status) {
    case closeCodes.loggedOut:
      return { kind: 'logged_out', code: '401', detail };
    case closeCodes.forbidden:
      return { kind: 'banned', code: '403', detail };
    case closeCodes.connectionClosed:
      return { kind: 'retryable', code: 'connection_closed', detail };
    case closeCodes.timedOut:
      return { kind: 'retryable', code: 'timeout', detail, uncertain: true };
    case 429:
      return { kind: 'rate_limited', code: '429', detail, retryAfterMs: 60_000 };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { kind: 'permanent', code: String(status), detail };
  }
  return {
    kind: 'retryable',
    code: status === undefined ? 'unknown' : String(status),
    detail,
    uncertain: true,
  };
}

/** Baileys' media download throws a Boom with the URL in `data` and the host's status. */
function isMediaFetchError(error: unknown): boolean {
  const data = (error as { data?: unknown } | null)?.data;
  return typeof data === 'object' && data !== null && 'url' in data;
}

/** The error's message, without URL query strings (signed media URLs carry tokens). */
function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(https?:\/\/[^\s?#]+)[?#]\S*/g, '$1').slice(0, MAX_DETAIL);
}
