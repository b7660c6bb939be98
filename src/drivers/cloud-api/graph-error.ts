import type { SendError, SendErrorKind } from '../driver.ts';

/** The `error` of a Graph API answer, or one entry of a webhook status's `errors[]`. */
export interface GraphError {
  code: number;
  message?: string;
  /** Webhooks name the error here instead of in `message`. */
  title?: string;
  error_subcode?: number;
  error_data?: { details?: string };
}

interface Rule {
  kind: SendErrorKind;
  detail: string;
  retryAfterMs?: number;
  /** Our own code when the number alone would not tell a reader what to do. */
  code?: string;
  /** The limit is about one recipient, not the sender. */
  recipientOnly?: true;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * What Kurir does about each Graph error code (docs: "Error codes" of the Cloud API, mirrored
 * in the driver's README). Waits: the throughput limit is per second; the pair rate allows
 * about one message per 6 s to a recipient; spam and API-call limits are measured over
 * minutes to an hour; the marketing frequency cap is per user per day.
 */
export const graphErrorRules: Readonly<Record<number, Rule>> = {
  130429: {
    kind: 'rate_limited',
    retryAfterMs: SECOND,
    detail: "over the phone number's throughput limit (80 messages a second by default)",
  },
  131056: {
    kind: 'rate_limited',
    retryAfterMs: 6 * SECOND,
    recipientOnly: true,
    detail: 'too many messages to this recipient in a short time (pair rate limit, per recipient)',
  },
  131048: {
    kind: 'rate_limited',
    retryAfterMs: MINUTE,
    detail: 'spam rate limit: too many messages were blocked or reported; slow down and check quality',
  },
  4: { kind: 'rate_limited', retryAfterMs: 5 * MINUTE, detail: "the app's Graph API call limit is reached" },
  80007: {
    kind: 'rate_limited',
    retryAfterMs: 5 * MINUTE,
    detail: "the WhatsApp Business Account's API call limit is reached",
  },
  131026: {
    kind: 'invalid_recipient',
    detail:
      'undeliverable: the number may not be on WhatsApp, may have blocked the business or may use an outdated app',
  },
  131047: {
    kind: 'permanent',
    code: 'outside_window',
    detail:
      'outside the 24-hour customer service window: only an approved template can be sent until the contact writes again',
  },
  131049: {
    kind: 'retryable',
    retryAfterMs: 24 * 60 * MINUTE,
    detail: 'held back by the marketing frequency cap for this user; retry much later',
  },
  131050: {
    kind: 'opted_out',
    detail: 'the user stopped marketing messages from this business',
  },
  368: { kind: 'banned', detail: 'the number is temporarily blocked for policy violations' },
  131031: { kind: 'banned', detail: 'the business account is locked' },
  190: {
    kind: 'retryable',
    detail: "the access token is expired or invalid; renew it in the sender's settings",
  },
  100: { kind: 'permanent', detail: 'the request has an invalid parameter' },
  132000: { kind: 'permanent', detail: "the template's parameters do not match its placeholders" },
  132001: { kind: 'permanent', detail: 'the template does not exist in this language or is not approved' },
  133010: { kind: 'permanent', detail: "the sender's phone number is not registered with the Cloud API" },
  131000: { kind: 'retryable', detail: 'something went wrong at Meta' },
  131016: { kind: 'retryable', detail: 'the service is temporarily unavailable' },
  2: { kind: 'retryable', detail: 'the service is temporarily unavailable' },
};

/** Graph error code for an expired or revoked access token. */
export const TOKEN_INVALID = 190;

/**
 * Turns a Graph error into a `SendError`. Branches on `code` only (titles change); a code
 * not in the table is retried when Meta answered 5xx and otherwise not.
 */
export function classifyGraphError(error: GraphError, httpStatus?: number): SendError {
  const rule = graphErrorRules[error.code];
  const said = error.error_data?.details ?? error.message ?? error.title;
  const suffix = `(Graph ${error.code}${said === undefined || said === '' ? '' : `: ${said}`})`;
  if (rule === undefined) {
    const kind = httpStatus !== undefined && httpStatus >= 500 ? 'retryable' : 'permanent';
    return { kind, code: String(error.code), detail: `Graph error ${suffix}` };
  }
  return {
    kind: rule.kind,
    code: rule.code ?? String(error.code),
    detail: `${rule.detail} ${suffix}`,
    ...(rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs }),
    ...(rule.recipientOnly ? { scope: 'recipient' as const } : {}),
  };
}

/** Reads a Graph error out of an answer body or a status entry; null when it has none. */
export function readGraphError(value: unknown): GraphError | null {
  if (typeof value !== 'object' || value === null) return null;
  const error = value as Record<string, unknown>;
  if (typeof error.code !== 'number') return null;
  const data = error.error_data;
  const details =
    typeof data === 'object' && data !== null && typeof (data as { details?: unknown }).details === 'string'
      ? (data as { details: string }).details
      : undefined;
  return {
    code: error.code,
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(typeof error.title === 'string' ? { title: error.title } : {}),
    ...(typeof error.error_subcode === 'number' ? { error_subcode: error.error_subcode } : {}),
    ...(details === undefined ? {} : { error_data: { details } }),
  };
}
