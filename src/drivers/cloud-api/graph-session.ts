import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../../domain/clock.ts';
import { isE164 } from '../../domain/phone.ts';
import { doublingDelayMs } from '../../domain/retry-policy.ts';
import type { DriverEvent, SendError } from '../driver.ts';
import type { GraphAnswer, GraphClient, GraphFailure } from './graph-client.ts';
import { classifyGraphError, TOKEN_INVALID } from './graph-error.ts';

export interface GraphSessionDeps {
  graph: GraphClient;
  clock: Clock;
  phoneNumberId: string;
  /** Hands a session event to the driver's listeners; resolves once they all resolved. */
  dispatch: (event: DriverEvent) => Promise<void>;
  log?: Logger | undefined;
}

type AnsweredFailure = Extract<GraphFailure, { kind: 'answered' }>;

type State =
  | 'idle'
  | 'checking'
  | 'connected'
  /** Meta did not answer; a check is scheduled with backoff. */
  | 'offline'
  /** Meta refused the token or the phone number id; waits for `connect()` (a new config). */
  | 'refused'
  | 'banned'
  /** Logged out in Kurir; waits for `connect()`. */
  | 'stopped'
  | 'closed';

/** Reconnect checks back off from 1 s, doubling, to at most a minute apart. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
/** A session event a listener failed on is announced again after this long. */
const REANNOUNCE_MS = 1000;

/**
 * The Cloud API holds no connection: the access token is the session. This tracks whether
 * Meta answers and accepts the token, from a cheap check (`GET /{phone-number-id}`) and from
 * every call's outcome, and turns that into session events:
 *
 * - a check or call that gets no answer: `disconnected` (willReconnect), checks with backoff;
 *   the first answer, to a check or a send, is `connected` again;
 * - error 190 (token expired or revoked): `disconnected` without reconnecting, naming the
 *   fix (a new token means a new config, hence a new driver);
 * - a policy block (368, 131031): `banned`.
 *
 * While not usable, sends are refused without calling Meta (see `refusal`).
 */
export class GraphSession {
  readonly #deps: GraphSessionDeps;
  #state: State = 'idle';
  #phone: string | null = null;
  /** Why sends are refused in `refused` and `banned`. */
  #refusal: SendError | null = null;
  #failedChecks = 0;
  #retry: CancelTimer | null = null;
  #check: Promise<void> | null = null;
  /** The last session event, which is announced again when a listener failed on it. */
  #latest: DriverEvent | null = null;
  #reannounce: CancelTimer | null = null;

  constructor(deps: GraphSessionDeps) {
    this.#deps = deps;
  }

  /** Checks the token and number unless connected or checking; see `Driver.connect`. */
  start(): void {
    if (this.#state === 'closed') throw new Error('this driver was closed; make a new one');
    if (this.#state === 'connected' || this.#state === 'checking' || this.#check !== null) return;
    this.#cancelRetry();
    if (this.#state !== 'offline') this.#state = 'checking';
    this.#runCheck();
  }

  /** What a send gets without calling Meta, or null when it may call. */
  refusal(): SendError | null {
    switch (this.#state) {
      case 'offline':
        return {
          kind: 'retryable',
          code: 'offline',
          detail: 'Meta did not answer the last call; reconnecting',
        };
      case 'refused':
      case 'banned':
        return this.#refusal;
      case 'stopped':
        return {
          kind: 'logged_out',
          code: 'logged_out',
          detail: 'the sender was logged out; connect it again',
        };
      case 'closed':
        return { kind: 'retryable', code: 'closed', detail: 'this driver was closed' };
      default:
        return null;
    }
  }

  /** A call got an answer, whatever it said: Meta is reachable. */
  answered(): void {
    if (this.#state === 'offline') this.#connected(this.#phone);
  }

  /**
   * A call failed: acts on what it says about the session (no answer, token, ban) and
   * returns the failure as a `SendError`.
   */
  failed(failure: GraphFailure): SendError {
    if (failure.kind === 'no_answer') {
      this.#unreachable(`Meta did not answer: ${failure.detail}`);
      return {
        kind: 'retryable',
        code: failure.timedOut ? 'timeout' : 'network',
        detail: failure.detail,
        // Without an answer Meta may still have taken the request; then only a status
        // webhook can tell (the engine waits for one instead of sending twice).
        ...(failure.mayHaveArrived ? { uncertain: true } : {}),
      };
    }
    const error = classify(failure);
    if (!this.#refusedOrBanned(failure, error)) this.answered();
    return error;
  }

  /** Meta reported a policy block: stop sending and say so. */
  ban(error: SendError): void {
    if (this.#state === 'closed' || this.#state === 'banned') return;
    this.#cancelRetry();
    this.#state = 'banned';
    this.#refusal = error;
    void this.#announce({ type: 'banned', reason: error.detail });
  }

  /** Logout: nothing to unlink at Meta; the session stops until `connect()`. */
  async stop(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'stopped') return;
    this.#cancelRetry();
    this.#state = 'stopped';
    await this.#announce({ type: 'disconnected', reason: 'logged out by user', willReconnect: false });
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    this.#cancelRetry();
    this.#reannounce?.();
    this.#reannounce = null;
    await this.#check;
  }

  #runCheck(): void {
    this.#check = (async () => {
      const answer = await this.#deps.graph.get(`/${this.#deps.phoneNumberId}?fields=display_phone_number`);
      this.#check = null;
      this.#checked(answer);
    })();
  }

  #checked(answer: GraphAnswer): void {
    // Logged out, closed or refused while the check ran: its outcome is stale.
    if (this.#state !== 'checking' && this.#state !== 'offline') return;
    if (answer.ok) {
      this.#connected(phoneOf(answer.body));
      return;
    }
    const { failure } = answer;
    if (failure.kind === 'no_answer') {
      this.#unreachable(`Meta did not answer: ${failure.detail}`);
      return;
    }
    const error = classify(failure);
    if (this.#refusedOrBanned(failure, error)) return;
    // Rate limits and outages at Meta pass; anything else is the configuration.
    if (error.kind === 'retryable' || error.kind === 'rate_limited')
      this.#unreachable(`Meta is unavailable: ${error.detail}`);
    else this.#refuse(error);
  }

  /** Acts on an invalid token (refused) or a policy block (banned); false for anything else. */
  #refusedOrBanned(failure: AnsweredFailure, error: SendError): boolean {
    if (failure.error?.code === TOKEN_INVALID) this.#refuse(error);
    else if (error.kind === 'banned') this.ban(error);
    else return false;
    return true;
  }

  #connected(phone: string | null): void {
    this.#cancelRetry();
    this.#failedChecks = 0;
    this.#phone = phone ?? this.#phone;
    if (this.#state === 'connected') return;
    this.#state = 'connected';
    void this.#announce({ type: 'connected', phone: this.#phone });
  }

  #unreachable(reason: string): void {
    const state = this.#state;
    if (state !== 'idle' && state !== 'checking' && state !== 'connected' && state !== 'offline') return;
    if (state !== 'offline') {
      this.#state = 'offline';
      this.#failedChecks = 0;
      void this.#announce({ type: 'disconnected', reason, willReconnect: true });
    }
    if (this.#retry !== null || this.#check !== null) return;
    const delay = doublingDelayMs(FIRST_RETRY_MS, MAX_RETRY_MS, this.#failedChecks);
    this.#failedChecks += 1;
    this.#deps.log?.debug({ checkInMs: delay }, 'Meta unreachable; checking again later');
    const { clock } = this.#deps;
    this.#retry = clock.timer(clock.now() + delay, () => {
      this.#retry = null;
      if (this.#state === 'offline') this.#runCheck();
    });
  }

  #refuse(error: SendError): void {
    if (this.#state === 'closed' || this.#state === 'stopped' || this.#state === 'refused') return;
    this.#cancelRetry();
    this.#state = 'refused';
    this.#refusal = error;
    void this.#announce({ type: 'disconnected', reason: error.detail, willReconnect: false });
  }

  #cancelRetry(): void {
    this.#retry?.();
    this.#retry = null;
  }

  /**
   * No network redelivers our own session events, so a listener that failed on one (the
   * store was busy) gets the session's latest state again a little later.
   */
  #announce(event: DriverEvent): Promise<void> {
    this.#latest = event;
    return this.#deps.dispatch(event).catch((error: unknown) => {
      if (this.#state === 'closed' || this.#latest !== event || this.#reannounce !== null) return;
      this.#deps.log?.warn(
        { err: error, event: event.type },
        'a listener failed on a session event; announcing again',
      );
      const { clock } = this.#deps;
      this.#reannounce = clock.timer(clock.now() + REANNOUNCE_MS, () => {
        this.#reannounce = null;
        if (this.#state !== 'closed' && this.#latest === event) void this.#announce(event);
      });
    });
  }
}

/** An answered failure as a `SendError`, by its Graph code or, lacking one, its status. */
function classify(failure: AnsweredFailure): SendError {
  if (failure.error !== null) return classifyGraphError(failure.error, failure.status);
  const status = failure.status;
  const detail = `Meta answered ${status} without an error body`;
  // A gateway's 5xx (502, 504) may come after Graph took the message.
  if (status >= 500) return { kind: 'retryable', code: `http_${status}`, detail, uncertain: true };
  if (status === 429) return { kind: 'rate_limited', code: 'http_429', detail, retryAfterMs: 60_000 };
  return { kind: 'permanent', code: `http_${status}`, detail };
}

/** `display_phone_number` ("+1 555-010-0000", "15550100000") as E.164, or null. */
function phoneOf(body: unknown): string | null {
  const shown = (body as { display_phone_number?: unknown } | null)?.display_phone_number;
  if (typeof shown !== 'string') return null;
  const e164 = `+${shown.replace(/\D/g, '')}`;
  return isE164(e164) ? e164 : null;
}
