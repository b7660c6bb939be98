import { createHmac } from 'node:crypto';
import type { CancelTimer, Clock } from '../../../src/domain/clock.ts';
import type { WebhookReceiver } from '../../../src/drivers/driver.ts';

/** Where Meta posts a delivery; resolves with the HTTP status Kurir answered (0: none). */
export type WebhookTarget = (
  rawBody: Buffer,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<number>;

/** A callback URL, over real HTTP (the way Meta calls Kurir's route). */
export function webhookUrl(url: string): WebhookTarget {
  return async (rawBody, headers, signal) => {
    const response = await fetch(url, { method: 'POST', body: new Uint8Array(rawBody), headers, signal });
    await response.arrayBuffer();
    return response.status;
  };
}

/**
 * A driver's `receiveWebhook` called directly, answered the way Kurir's route answers:
 * 401 for a bad signature, 500 when it rejected, 404 when there is no receiver.
 */
export function webhookReceiver(receiver: () => WebhookReceiver | null): WebhookTarget {
  return async (rawBody, headers) => {
    const target = receiver();
    if (target === null) return 404;
    try {
      return (await target.receiveWebhook(rawBody, headers)).signatureOk ? 200 : 401;
    } catch {
      return 500;
    }
  };
}

/**
 * Meta's side of webhooks: the exact bytes Meta sends, with non-ASCII characters escaped
 * as `\uXXXX` as Meta writes them (a receiver that re-serialises the parsed JSON gets
 * other bytes, and a wrong signature).
 */
export function metaBytes(payload: unknown): Buffer {
  const json = JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return Buffer.from(json, 'utf8');
}

export function metaSignature(appSecret: string, rawBody: Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export interface WebhookDeliveriesOptions {
  clock: Clock;
  appSecret: string;
  target: WebhookTarget | null;
  /** Meta retries a delivery that got no 2xx; null: never (each attempt is then explicit). */
  redeliverAfterMs: number | null;
}

export interface Delivery {
  seq: number;
  rawBody: Buffer;
  /** Statuses answered, one per attempt (0: no answer). */
  answers: number[];
}

/**
 * Posts deliveries, signed with the app secret, and retries the unacknowledged ones in
 * their original order (one pass at a time, stopping at the first failure) until they get a
 * 2xx: what the contract needs from Meta's "retry until 200".
 */
export class WebhookDeliveries {
  readonly #options: WebhookDeliveriesOptions;
  readonly #unacknowledged: Delivery[] = [];
  readonly #inFlight = new Set<AbortController>();
  readonly all: Delivery[] = [];
  #target: WebhookTarget | null;
  #seq = 0;
  #retry: CancelTimer | null = null;
  #retrying = false;
  #disposed = false;

  constructor(options: WebhookDeliveriesOptions) {
    this.#options = options;
    this.#target = options.target;
  }

  set target(target: WebhookTarget | null) {
    this.#target = target;
  }

  /** Deliveries still waiting for a 2xx. */
  get unacknowledged(): number {
    return this.#unacknowledged.length;
  }

  /** Posts `payload` once now (more later if it fails); resolves with the first answer. */
  async deliver(payload: unknown): Promise<number> {
    const delivery: Delivery = { seq: ++this.#seq, rawBody: metaBytes(payload), answers: [] };
    this.all.push(delivery);
    const status = await this.#attempt(delivery);
    if (!acknowledged(status)) this.#keep(delivery);
    return status;
  }

  /** Posts the exact bytes of an earlier delivery again, as Meta does when a 200 got lost. */
  repeat(delivery = this.all.at(-1)): Promise<number> {
    if (delivery === undefined) throw new Error('nothing was delivered yet');
    return this.#attempt(delivery);
  }

  dispose(): void {
    this.#disposed = true;
    this.#retry?.();
    this.#retry = null;
    for (const abort of this.#inFlight) abort.abort(new Error('stand-in disposed'));
  }

  async #attempt(delivery: Delivery): Promise<number> {
    const target = this.#target;
    if (target === null || this.#disposed) {
      delivery.answers.push(0);
      return 0;
    }
    const abort = new AbortController();
    this.#inFlight.add(abort);
    let status = 0;
    try {
      const headers = {
        'content-type': 'application/json',
        'x-hub-signature-256': metaSignature(this.#options.appSecret, delivery.rawBody),
      };
      status = await target(delivery.rawBody, headers, abort.signal);
    } catch {
      status = 0;
    } finally {
      this.#inFlight.delete(abort);
    }
    delivery.answers.push(status);
    return status;
  }

  #keep(delivery: Delivery): void {
    this.#unacknowledged.push(delivery);
    this.#unacknowledged.sort((a, b) => a.seq - b.seq);
    this.#schedule();
  }

  #schedule(): void {
    const after = this.#options.redeliverAfterMs;
    if (after === null || this.#disposed || this.#retry !== null || this.#retrying) return;
    const { clock } = this.#options;
    this.#retry = clock.timer(clock.now() + after, () => {
      this.#retry = null;
      void this.#redeliver();
    });
  }

  async #redeliver(): Promise<void> {
    this.#retrying = true;
    try {
      for (let next = this.#unacknowledged[0]; next !== undefined; next = this.#unacknowledged[0]) {
        if (this.#disposed || !acknowledged(await this.#attempt(next))) break;
        // By identity: an older delivery's first attempt may have failed meanwhile.
        this.#unacknowledged.splice(this.#unacknowledged.indexOf(next), 1);
      }
    } finally {
      this.#retrying = false;
    }
    if (this.#unacknowledged.length > 0) this.#schedule();
  }
}

function acknowledged(status: number): boolean {
  return status >= 200 && status < 300;
}
