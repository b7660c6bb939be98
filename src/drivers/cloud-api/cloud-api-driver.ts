import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type {
  Driver,
  DriverCapabilities,
  DriverEvent,
  DriverEventListener,
  MessagePart,
  SendError,
  SendResult,
  WebhookReceiver,
} from '../driver.ts';
import { DriverListeners } from '../driver-listeners.ts';
import { GraphClient } from './graph-client.ts';
import { type GraphMedia, graphMessage } from './graph-message.ts';
import { GraphSession } from './graph-session.ts';
import { mediaSource } from './media-source.ts';
import { MediaUploads } from './media-uploads.ts';
import { readWebhook } from './webhook-payload.ts';
import { signatureMatches, verifyChallenge } from './webhook-signature.ts';

export interface CloudApiDriverOptions {
  clock: Clock;
  log?: Logger;
  /** The id Meta gives the business phone number (not the number itself). */
  phoneNumberId: string;
  /** A system-user access token with `whatsapp_business_messaging`. */
  accessToken: string;
  /** The Meta app's secret: webhook deliveries are signed with it. */
  appSecret: string;
  /** The token chosen when subscribing the webhook; Meta echoes it in the handshake. */
  verifyToken: string;
  /** Graph API root with its version; default `https://graph.facebook.com/v21.0`. */
  baseUrl?: string;
  /** A Graph call without an answer after this long is abandoned; default 15 s. */
  requestTimeoutMs?: number;
}

/**
 * The `Driver` for one business phone number on the WhatsApp Cloud API. Sends go to the
 * Graph API; statuses and inbound messages come to Kurir's webhook route, which hands each
 * delivery to `receiveWebhook`. There is no pairing (the token is the session), no number
 * lookup and no "typing…"; see README.md for what each `Driver` member means here.
 */
export class CloudApiDriver implements Driver, WebhookReceiver {
  readonly kind = 'cloud-api' as const;
  readonly capabilities: DriverCapabilities = {
    // Meta assigns its own message id (wamid); re-sending Kurir's id would be a new message.
    idempotentIds: false,
    // The documented default throughput per number (it may be raised to 1,000 by Meta).
    maxPerSecond: 80,
    typing: false,
  };
  readonly #options: CloudApiDriverOptions;
  readonly #log: Logger | undefined;
  readonly #graph: GraphClient;
  readonly #session: GraphSession;
  readonly #uploads: MediaUploads;
  readonly #listeners = new DriverListeners();
  /** Rejects when the driver closes, failing deliveries whose listeners have not finished. */
  readonly #closing = Promise.withResolvers<never>();
  #closed = false;

  constructor(options: CloudApiDriverOptions) {
    this.#options = options;
    this.#log = options.log?.child({ component: 'cloud-api-driver' });
    this.#graph = new GraphClient({
      clock: options.clock,
      baseUrl: options.baseUrl ?? 'https://graph.facebook.com/v21.0',
      accessToken: options.accessToken,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    });
    this.#session = new GraphSession({
      graph: this.#graph,
      clock: options.clock,
      phoneNumberId: options.phoneNumberId,
      dispatch: (event) => this.#dispatch([event]),
      log: this.#log,
    });
    this.#uploads = new MediaUploads({
      graph: this.#graph,
      clock: options.clock,
      phoneNumberId: options.phoneNumberId,
    });
    this.#closing.promise.catch(() => {});
  }

  /** Checks the token and the phone number id; the outcome comes as an event. */
  async connect(): Promise<void> {
    this.#session.start();
  }

  onEvent(listener: DriverEventListener): () => void {
    return this.#listeners.add(listener);
  }

  async send(part: MessagePart): Promise<SendResult> {
    const refused = this.#session.refusal();
    if (refused !== null) return { ok: false, error: refused };
    let media: GraphMedia | null = null;
    if (part.template === undefined && part.type !== 'text') {
      const found = await this.#media(part);
      if (!found.ok) return found;
      media = found.media;
    }
    const message = graphMessage(part, media);
    if (!message.ok) return message;
    const answer = await this.#graph.postJson(`/${this.#options.phoneNumberId}/messages`, message.body);
    if (!answer.ok) return { ok: false, error: this.#session.failed(answer.failure) };
    this.#session.answered();
    const wamid = (answer.body as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    if (typeof wamid !== 'string' || wamid === '') {
      // Meta took the request but its answer is not the documented one: the message may
      // exist. A status webhook carrying the part id will tell.
      return {
        ok: false,
        error: {
          kind: 'retryable',
          code: 'no_message_id',
          detail: 'Meta answered without a message id',
          uncertain: true,
        },
      };
    }
    return { ok: true, providerId: wamid };
  }

  /** The Cloud API cannot look numbers up: every number stays unknown (absent). */
  async checkNumbers(_phones: readonly string[]): Promise<Map<string, boolean>> {
    return new Map();
  }

  /** No "typing…" on the Cloud API (`capabilities.typing` is false). */
  async setTyping(_to: string, _state: 'composing' | 'paused'): Promise<void> {}

  /** Nothing to unlink at Meta: the session stops (`disconnected`, no reconnect). */
  logout(): Promise<void> {
    return this.#session.stop();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.reject(new Error('the driver closed before the delivery was stored'));
    this.#graph.abortAll('the driver closed');
    await this.#session.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  verifyWebhook(query: Record<string, string | undefined>): string | null {
    return verifyChallenge(query, this.#options.verifyToken);
  }

  /**
   * Resolves once every listener of every event in the delivery resolved; rejects when one
   * rejected or the driver closed first, and the route should then answer 500 so that Meta
   * delivers again (listeners are idempotent). A wrong or missing signature reads nothing.
   */
  async receiveWebhook(
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
  ): Promise<{ signatureOk: boolean }> {
    if (!signatureMatches(this.#options.appSecret, rawBody, header(headers, 'x-hub-signature-256'))) {
      this.#log?.warn({ bytes: rawBody.length }, 'webhook delivery without a valid signature ignored');
      return { signatureOk: false };
    }
    if (this.#closed) throw new Error('the driver is closed; the delivery must come again');
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      // Signed by Meta yet not JSON: it would fail the same way on every retry, so it is
      // acknowledged (2xx) rather than bounced forever.
      this.#log?.warn({ bytes: rawBody.length }, 'signed webhook delivery is not JSON; nothing read');
      return { signatureOk: true };
    }
    const { events, errors } = readWebhook(payload, this.#options.phoneNumberId, this.#options.clock.now());
    for (const error of errors)
      this.#log?.warn({ code: error.code }, 'Meta reported an error for the number');
    for (const event of events) {
      if (event.type === 'receipt' && event.error?.kind === 'banned') this.#session.ban(event.error);
    }
    await Promise.race([this.#dispatch(events), this.#closing.promise]);
    return { signatureOk: true };
  }

  /** Where the part's media is, for Meta: a link, an uploaded id, or a file uploaded now. */
  async #media(
    part: MessagePart,
  ): Promise<{ ok: true; media: GraphMedia } | { ok: false; error: SendError }> {
    const url = part.media?.url;
    const source = url === undefined ? null : mediaSource(url);
    if (source === null) {
      return {
        ok: false,
        error: {
          kind: 'permanent',
          code: 'media_url',
          detail: 'the media is neither an http(s) URL, a file nor cloud-api-media:<id>',
        },
      };
    }
    if (source.kind === 'id') return { ok: true, media: { id: source.id } };
    if (source.kind === 'link') return { ok: true, media: { link: source.link } };
    const upload = await this.#uploads.idFor(source.path, part.media ?? {});
    if (upload.ok) return { ok: true, media: { id: upload.id } };
    if ('error' in upload) return { ok: false, error: upload.error };
    // Nothing was sent yet: an upload that got no answer is not an uncertain send.
    const { uncertain: _, ...error } = this.#session.failed(upload.failure);
    return { ok: false, error };
  }

  /**
   * Hands events to every listener, in order, without waiting for one event's listeners
   * before the next (the engine may store a burst in one transaction); resolves once all
   * resolved, rejects if any rejected.
   */
  async #dispatch(events: readonly DriverEvent[]): Promise<void> {
    if (this.#closed) return;
    await this.#listeners.dispatch(events);
  }
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
