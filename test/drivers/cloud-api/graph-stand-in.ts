import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Clock } from '../../../src/domain/clock.ts';
import type { Random } from '../../../src/domain/random.ts';
import { graphErrorAnswer } from './graph-error-answer.ts';
import { messageShapeProblem } from './graph-message-shape.ts';
import { WebhookDeliveries, type WebhookTarget } from './webhook-deliveries.ts';
import { type StatusName, statusEntry, textMessage, webhookPayload } from './webhook-payloads.ts';

export interface GraphStandInOptions {
  clock: Clock;
  random: Random;
  phoneNumberId?: string;
  /** As Meta shows it, formatted. */
  displayPhoneNumber?: string;
  accessToken?: string;
  appSecret?: string;
  /** Where status and inbound webhooks go; settable later (`webhooks.target`). */
  webhook?: WebhookTarget | null;
  /** Meta's retry of a delivery that got no 2xx; null (default): no retries. */
  redeliverAfterMs?: number | null;
}

export interface RecordedRequest {
  method: string;
  /** Without the version prefix: `/106…/messages`. */
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** A message Meta accepted (answered with a wamid). */
export interface AcceptedMessage {
  wamid: string;
  /** Digits, as sent. */
  to: string;
  type: string;
  body: Record<string, unknown>;
  /** Statuses already sent by webhook. */
  reported: string[];
}

export interface Upload {
  id: string;
  type: string;
  fileName: string;
  size: number;
}

type FailWhen = 'answer' | 'status';

const VERSION = 'v21.0';

/**
 * The parts of Meta's Graph API the Cloud API driver uses, as a real HTTP server on
 * 127.0.0.1: `GET /{phone-number-id}`, `POST /{phone-number-id}/messages` (validated like
 * Meta, answering error 100 on a bad shape) and `POST /{phone-number-id}/media`. It records
 * every request, can be told to fail (error codes per recipient or for the next calls, an
 * expired token, answers withheld, the server gone), and sends signed webhooks like Meta.
 */
export class GraphStandIn {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly accessToken: string;
  readonly appSecret: string;
  readonly requests: RecordedRequest[] = [];
  readonly messages: AcceptedMessage[] = [];
  readonly uploads: Upload[] = [];
  readonly webhooks: WebhookDeliveries;
  readonly #options: GraphStandInOptions;
  readonly #app: FastifyInstance;
  readonly #server: Server;
  #port = 0;
  #tokenValid = true;
  #failNext: number[] = [];
  readonly #failRecipients = new Map<string, { code: number; when: FailWhen }>();
  #stall: PromiseWithResolvers<void> | null = null;
  readonly #waiters = new Set<() => void>();

  private constructor(options: GraphStandInOptions) {
    this.#options = options;
    this.phoneNumberId = options.phoneNumberId ?? '106540352242922';
    this.displayPhoneNumber = options.displayPhoneNumber ?? '+49 151 00000001';
    this.accessToken = options.accessToken ?? 'EAAG-stand-in-token';
    this.appSecret = options.appSecret ?? 'stand-in-app-secret';
    this.webhooks = new WebhookDeliveries({
      clock: options.clock,
      appSecret: this.appSecret,
      target: options.webhook ?? null,
      redeliverAfterMs: options.redeliverAfterMs ?? null,
    });
    this.#app = Fastify({ logger: false });
    this.#server = createServer((req, res) => this.#app.routing(req, res));
  }

  static async start(options: GraphStandInOptions): Promise<GraphStandIn> {
    const graph = new GraphStandIn(options);
    await graph.#routes();
    await graph.#app.ready();
    await graph.#listen(0);
    return graph;
  }

  /** The Graph root the driver is given as `baseUrl`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/${VERSION}`;
  }

  /** What `to` (E.164 or digits) was sent and accepted, in order. */
  receivedBy(to: string): AcceptedMessage[] {
    const digits = to.replace(/^\+/, '');
    return this.messages.filter((m) => m.to === digits && this.#failRecipients.get(digits) === undefined);
  }

  /** Resolves once a request matching `match` was recorded (a fact, not a wait). */
  nextRequest(
    match: (r: RecordedRequest) => boolean = () => true,
    from = this.requests.length,
  ): Promise<RecordedRequest> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.requests.slice(from).find(match);
        if (found === undefined) return;
        this.#waiters.delete(check);
        resolve(found);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends to `phone` fail with `code`: answered at once, or accepted then a `failed` status. */
  failRecipient(phone: string, code: number, when: FailWhen = 'answer'): void {
    this.#failRecipients.set(phone.replace(/^\+/, ''), { code, when });
  }

  /** The next `count` calls (any route) are answered with `code`. */
  failNext(code: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#failNext.push(code);
  }

  /** The access token stops working (error 190), as when it expires or is revoked. */
  expireToken(): void {
    this.#tokenValid = false;
  }

  /** Requests are taken (and messages accepted) but answers wait for `releaseAnswers`. */
  stallAnswers(): void {
    this.#stall ??= Promise.withResolvers<void>();
  }

  releaseAnswers(): void {
    this.#stall?.resolve();
    this.#stall = null;
  }

  /** The server stops listening and drops its connections: calls fail to connect. */
  async goOffline(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async goOnline(): Promise<void> {
    await this.#listen(this.#port);
  }

  /** Posts a webhook (signed by `webhooks`) with these statuses, in this order, as one delivery. */
  sendStatuses(
    statuses: { message: AcceptedMessage; status: StatusName; code?: number }[],
    phoneNumberId = this.phoneNumberId,
  ): Promise<number> {
    const now = this.#timestamp();
    const entries = statuses.map(({ message, status, code }) => statusEntry(message, status, now, code));
    return this.webhooks.deliver(this.payload(phoneNumberId, { statuses: entries }));
  }

  /**
   * Every accepted message not reported yet gets `delivered`, then `read` (each its own
   * delivery); a recipient set to fail by status gets `failed` instead.
   */
  async deliverAndRead(): Promise<void> {
    for (const message of this.messages) {
      if (message.reported.length > 0) continue;
      const failing = this.#failRecipients.get(message.to);
      const steps = failing?.when === 'status' ? (['failed'] as const) : (['delivered', 'read'] as const);
      for (const status of steps) {
        message.reported.push(status);
        await this.sendStatuses([
          { message, status, ...(failing === undefined ? {} : { code: failing.code }) },
        ]);
      }
    }
  }

  /** `from` (E.164) writes `text` to the business number; resolves with the first answer. */
  inbound(
    from: string,
    text: string,
    options: { replyTo?: string; phoneNumberId?: string } = {},
  ): Promise<number> {
    const value = textMessage(
      from.replace(/^\+/, ''),
      this.#wamid(),
      this.#timestamp(),
      text,
      options.replyTo,
    );
    return this.webhooks.deliver(this.payload(options.phoneNumberId ?? this.phoneNumberId, value));
  }

  /** A webhook payload of one `messages` change for `phoneNumberId`. */
  payload(phoneNumberId: string, value: Record<string, unknown>): unknown {
    return webhookPayload({ phoneNumberId, displayPhoneNumber: this.displayPhoneNumber }, value);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.webhooks.dispose();
    this.releaseAnswers();
    this.#server.closeAllConnections();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.#app.close();
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  async #routes(): Promise<void> {
    const app = this.#app;
    await app.register(fastifyMultipart);
    app.addHook('preHandler', async (request, reply) => {
      this.requests.push({
        method: request.method,
        path: request.url.slice(VERSION.length + 1),
        authorization: request.headers.authorization,
        body: request.isMultipart() ? null : request.body,
      });
      for (const waiter of [...this.#waiters]) waiter();
      if (request.headers.authorization !== `Bearer ${this.accessToken}` || !this.#tokenValid) {
        return this.#refuse(reply, 190);
      }
      const { id } = request.params as { id: string };
      if (id !== this.phoneNumberId) return this.#refuse(reply, 100, `Object with ID '${id}' does not exist`);
      const code = this.#failNext.shift();
      if (code !== undefined) return this.#refuse(reply, code);
    });
    app.get(`/${VERSION}/:id`, async () => {
      await this.#stall?.promise;
      return { display_phone_number: this.displayPhoneNumber, id: this.phoneNumberId };
    });
    app.post(`/${VERSION}/:id/messages`, async (request, reply) => {
      const problem = messageShapeProblem(request.body);
      if (problem !== null) return this.#refuse(reply, 100, problem);
      const body = request.body as Record<string, unknown> & { to: string; type?: string };
      const failing = this.#failRecipients.get(body.to);
      if (failing?.when === 'answer') return this.#refuse(reply, failing.code);
      const wamid = this.#wamid();
      this.messages.push({ wamid, to: body.to, type: body.type ?? 'text', body, reported: [] });
      await this.#stall?.promise;
      return {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: wamid }],
      };
    });
    app.post(`/${VERSION}/:id/media`, async (request, reply) => {
      const fields: Record<string, string> = {};
      let file: { fileName: string; size: number } | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'file') file = { fileName: part.filename, size: (await part.toBuffer()).length };
        else fields[part.fieldname] = String(part.value);
      }
      if (fields.messaging_product !== 'whatsapp' || fields.type === undefined || file === null) {
        return this.#refuse(reply, 100, 'messaging_product, type and file are required');
      }
      const id = String(1_000_000_000 + Math.floor(this.#options.random.next() * 8_999_999_999));
      this.uploads.push({ id, type: fields.type, ...file });
      return { id };
    });
  }

  #refuse(reply: FastifyReply, code: number, details?: string): FastifyReply {
    const answer = graphErrorAnswer(code, details);
    return reply.code(answer.status).send({ error: answer.error });
  }

  #wamid(): string {
    return `wamid.${Buffer.from(this.#options.random.bytes(24)).toString('base64url')}`;
  }

  #timestamp(): string {
    return String(Math.floor(this.#options.clock.now() / 1000));
  }
}
