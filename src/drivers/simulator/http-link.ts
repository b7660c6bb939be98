import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { SseParser } from '../../system/sse-parser.ts';
import type { SendResult } from '../driver.ts';
import type { NetworkSend } from './network-send.ts';
import type { PairingMethod } from './sender-account.ts';
import type { SequencedEvent } from './sender-event-log.ts';
import type { LinkStream, SimulatorLink } from './simulator-link.ts';

export interface HttpLinkOptions {
  /** Where `kurir simulator` listens, e.g. `http://127.0.0.1:7080`. */
  baseUrl: string;
  clock: Clock;
  log?: Logger;
  /** A call that takes longer is abandoned (a send then answers `retryable`). Default 15 s. */
  requestTimeoutMs?: number;
}

/**
 * The link to a simulator in another process, over its HTTP API (`/link/senders/:phone/…`).
 * Events come as server-sent events from the first unacknowledged one, so a driver that
 * starts after a crash gets what the dead one never acknowledged.
 */
export class HttpLink implements SimulatorLink {
  readonly #base: string;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #timeoutMs: number;

  constructor(options: HttpLinkOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#clock = options.clock;
    this.#log = options.log?.child({ component: 'simulator-link' });
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  async connect(sender: string, method: PairingMethod): Promise<void> {
    await this.#call(sender, 'connect', { pairWith: method });
  }

  async send(sender: string, part: NetworkSend): Promise<SendResult> {
    try {
      return (await this.#call(sender, 'send', part)) as SendResult;
    } catch (error) {
      // A refused request is our mistake and fails again; anything else (no answer, 5xx)
      // leaves the outcome unknown: the network may have taken the part. The engine then
      // resends only as its idempotency rules allow.
      if (error instanceof RefusedRequest)
        return {
          ok: false,
          error: { kind: 'permanent', code: `http_${error.status}`, detail: error.message },
        };
      // The request may have reached the simulator before the answer was lost.
      return {
        ok: false,
        error: { kind: 'retryable', code: 'network', detail: describe(error), uncertain: true },
      };
    }
  }

  async checkNumbers(sender: string, phones: readonly string[]): Promise<Map<string, boolean>> {
    try {
      const { results } = (await this.#call(sender, 'check-numbers', { phones })) as {
        results: Record<string, boolean>;
      };
      return new Map(Object.entries(results));
    } catch (error) {
      this.#log?.warn({ err: error }, 'numbers could not be checked');
      return new Map();
    }
  }

  async setTyping(sender: string, to: string, state: 'composing' | 'paused'): Promise<void> {
    try {
      await this.#call(sender, 'typing', { to, state });
    } catch (error) {
      // "typing…" is decoration: failing a message because it could not be shown would be
      // wrong, and the send that follows classifies the network trouble properly.
      this.#log?.debug({ err: error }, 'typing not shown');
    }
  }

  async logout(sender: string): Promise<void> {
    await this.#call(sender, 'logout', {});
  }

  async detach(sender: string): Promise<void> {
    try {
      await this.#call(sender, 'detach', {});
    } catch (error) {
      // Closing must succeed with the simulator gone; the session then merely looks online.
      this.#log?.debug({ err: error }, 'detach not delivered');
    }
  }

  async ack(sender: string, seq: number, log: string): Promise<void> {
    await this.#call(sender, 'ack', { seq, log });
  }

  follow(
    sender: string,
    onEntry: (entry: SequencedEvent) => void,
    onEnd: (error?: unknown) => void,
  ): LinkStream {
    const abort = new AbortController();
    let closed = false;
    const run = async () => {
      const response = await fetch(this.#url(sender, 'events'), {
        headers: { accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!response.ok || response.body === null) throw new Error(`event stream answered ${response.status}`);
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (closed) return;
          onEntry(JSON.parse(event.data) as SequencedEvent);
        }
      }
      throw new Error('event stream ended');
    };
    run().catch((error: unknown) => {
      if (!closed) onEnd(error);
    });
    return {
      close: () => {
        closed = true;
        abort.abort();
      },
    };
  }

  #url(sender: string, action: string): string {
    return `${this.#base}/link/senders/${encodeURIComponent(sender)}/${action}`;
  }

  /** POSTs JSON with a deadline on the injected clock; a non-2xx answer is an error. */
  async #call(sender: string, action: string, body: unknown): Promise<unknown> {
    const abort = new AbortController();
    const cancel = this.#clock.timer(this.#clock.now() + this.#timeoutMs, () =>
      abort.abort(new Error(`no answer within ${this.#timeoutMs} ms`)),
    );
    try {
      const response = await fetch(this.#url(sender, action), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      const text = await response.text();
      if (response.status >= 400 && response.status < 500) throw new RefusedRequest(response.status, text);
      if (!response.ok) throw new Error(`simulator answered ${response.status}: ${text.slice(0, 300)}`);
      return text === '' ? null : JSON.parse(text);
    } finally {
      cancel();
    }
  }
}

/** The simulator answered 4xx: the request itself is wrong. */
class RefusedRequest extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(`simulator refused the request (${status}): ${body.slice(0, 300)}`);
    this.status = status;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
