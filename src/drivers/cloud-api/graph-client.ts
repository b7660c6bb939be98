import type { Clock } from '../../domain/clock.ts';
import { type GraphError, readGraphError } from './graph-error.ts';

export interface GraphClientOptions {
  clock: Clock;
  /** e.g. `https://graph.facebook.com/v21.0`; paths are appended to it. */
  baseUrl: string;
  accessToken: string;
  /** A request without an answer after this long is abandoned. */
  requestTimeoutMs: number;
}

/** Why a call brought no usable answer. */
export type GraphFailure =
  /** Meta answered with an error status; `error` is its `{ error }` body when it had one. */
  | { kind: 'answered'; status: number; error: GraphError | null }
  /**
   * No answer. `mayHaveArrived` is false only when the connection was never made (refused,
   * unknown host), so the request certainly did not reach Meta.
   */
  | { kind: 'no_answer'; mayHaveArrived: boolean; timedOut: boolean; detail: string };

export type GraphAnswer = { ok: true; body: unknown } | { ok: false; failure: GraphFailure };

/**
 * Errors raised while connecting, before a byte of the request left: undici reports them as
 * the `cause` of "fetch failed". Anything else (a reset, a closed socket, a timeout) may
 * come after Meta read the request.
 */
const notConnectedCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Calls the Graph API with the bearer token and a deadline on the injected clock. Never
 * throws for what the network does: every outcome is a `GraphAnswer`. `abortAll` ends the
 * calls under way (the driver closing).
 */
export class GraphClient {
  readonly #options: GraphClientOptions;
  readonly #base: string;
  readonly #inFlight = new Set<AbortController>();

  constructor(options: GraphClientOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  get(path: string): Promise<GraphAnswer> {
    return this.#call('GET', path, undefined);
  }

  postJson(path: string, body: unknown): Promise<GraphAnswer> {
    return this.#call('POST', path, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  postForm(path: string, form: FormData): Promise<GraphAnswer> {
    return this.#call('POST', path, { body: form, headers: {} });
  }

  abortAll(reason: string): void {
    for (const abort of this.#inFlight) abort.abort(new Error(reason));
    this.#inFlight.clear();
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    content: { body: string | FormData; headers: Record<string, string> } | undefined,
  ): Promise<GraphAnswer> {
    const { clock, requestTimeoutMs, accessToken } = this.#options;
    const abort = new AbortController();
    let timedOut = false;
    const cancel = clock.timer(clock.now() + requestTimeoutMs, () => {
      timedOut = true;
      abort.abort(new Error(`no answer within ${requestTimeoutMs} ms`));
    });
    this.#inFlight.add(abort);
    try {
      const response = await fetch(`${this.#base}${path}`, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, ...content?.headers },
        ...(content === undefined ? {} : { body: content.body }),
        signal: abort.signal,
      });
      const text = await response.text();
      const body = parseJson(text);
      if (response.ok) return { ok: true, body };
      const error = readGraphError((body as { error?: unknown } | null)?.error);
      return { ok: false, failure: { kind: 'answered', status: response.status, error } };
    } catch (error) {
      const code = causeCode(error);
      const detail = abort.signal.aborted ? describe(abort.signal.reason) : describe(error, code);
      return {
        ok: false,
        failure: {
          kind: 'no_answer',
          mayHaveArrived: !(code !== null && notConnectedCodes.has(code)),
          timedOut,
          detail,
        },
      };
    } finally {
      cancel();
      this.#inFlight.delete(abort);
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    // Gateways answer 502/504 with HTML; the status alone then classifies the answer.
    return null;
  }
}

function causeCode(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : null;
}

function describe(error: unknown, code: string | null = null): string {
  const message = error instanceof Error ? error.message : String(error);
  return code === null ? message : `${message} (${code})`;
}
