import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import type { Sender } from '../../domain/sender.ts';
import { type Driver, isWebhookReceiver, type WebhookReceiver } from '../../drivers/driver.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../store/store.ts';
import { addExamples, IdParams } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { operation, reply, text } from '../operation.ts';

type Receiver = Driver & WebhookReceiver;

const HubQuery = Type.Object(
  {
    'hub.mode': Type.Optional(Type.String({ maxLength: 50 })),
    'hub.verify_token': Type.Optional(Type.String({ maxLength: 500 })),
    'hub.challenge': Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: true },
);

const Received = addExamples(
  Type.Object({
    received: Type.Boolean({ description: 'false: no sender here has the numbers it names' }),
  }),
  { received: true },
);

/** Meta's signature over the exact bytes of the body. */
const SignatureHeader = Type.Object({
  'x-hub-signature-256': Type.Optional(
    Type.String({ description: "`sha256=` and the hex HMAC-SHA256 of the raw body under the app's secret" }),
  ),
});

/**
 * What Meta posts, as far as Kurir reads it; the route keeps the raw bytes, since the
 * signature is over them, so this documents the body and validates nothing.
 */
const MetaDelivery = addExamples(
  Type.Object({
    object: Type.Literal('whatsapp_business_account'),
    entry: Type.Array(
      Type.Object({
        id: Type.String({ description: 'The WhatsApp Business Account' }),
        changes: Type.Array(
          Type.Object({
            field: Type.String({ description: '`messages` for statuses and inbound messages' }),
            value: Type.Object({
              messaging_product: Type.Optional(Type.Literal('whatsapp')),
              metadata: Type.Object({
                display_phone_number: Type.String(),
                phone_number_id: Type.String({ description: 'Routes the delivery to its sender' }),
              }),
              statuses: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
              messages: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
              contacts: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
            }),
          }),
        ),
      }),
    ),
  }),
  {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '551140028922', phone_number_id: '106540352242922' },
              statuses: [
                {
                  id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjdCMUQ5QjY0RjA1QjlFQjZBQQA=',
                  status: 'delivered',
                  timestamp: '1773043204',
                  recipient_id: '5511987654321',
                  biz_opaque_callback_data: '3EB0AF2259268227700FDB',
                },
              ],
              contacts: [{ profile: { name: 'João Silva' }, wa_id: '5511987654321' }],
              messages: [
                {
                  from: '5511987654321',
                  id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBRjNGNkE2QjU2RTE1NzI2NUYwAA==',
                  timestamp: '1773043261',
                  type: 'text',
                  text: { body: 'Quero saber mais sobre a promoção!' },
                },
              ],
            },
          },
        ],
      },
    ],
  },
);

const CHALLENGE = text(
  'The `hub.challenge`, echoed back: the subscription is confirmed',
  'text/plain',
  '1158201444',
);

/** The `phone_number_id`s a delivery is about; null when the body is not Meta's shape. */
function phoneNumberIdsOf(raw: Buffer): Set<string> | null {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  const ids = new Set<string>();
  const entries = (payload as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return null;
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value?.metadata
        ?.phone_number_id;
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

/**
 * Meta's webhooks for Cloud API senders. No API key: the verify token (handshake) and the
 * `X-Hub-Signature-256` HMAC over the raw body are the authentication. Meta posts every
 * number of an app to one callback URL, so besides a URL per sender there is one for the
 * whole server that hands each delivery to the senders whose numbers it names. A delivery
 * is answered 200 only once its statuses and messages are stored; anything else makes Meta
 * deliver it again.
 */
export const cloudApiWebhookRoutes: FastifyPluginAsyncTypebox<{ store: Store; engine: Engine }> = async (
  app,
  { store, engine },
) => {
  // The signature covers the exact bytes Meta sent: keep them, never re-serialise. (This
  // scope's copy of the app's JSON parser goes first; the app's own stays as it is.)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const receiverOf = (sender: Sender): Receiver => {
    const driver = engine.sessions.get(sender.id)?.driver;
    if (driver === undefined || !isWebhookReceiver(driver)) {
      throw new KurirError('sender.unavailable', `The Cloud API sender ${sender.id} is not running`);
    }
    return driver;
  };

  const cloudSenders = async () => (await store.senders.all()).filter((s) => s.driver === 'cloud-api');

  const oneSender = async (senderId: string) => {
    const sender = await store.senders.find(senderId);
    if (sender === null || sender.driver !== 'cloud-api') {
      throw new KurirError('sender.not_found', `No Cloud API sender ${senderId}`);
    }
    return sender;
  };

  const handshake = (
    drivers: readonly Receiver[],
    query: Record<string, string | undefined>,
    log: FastifyBaseLogger,
  ): string => {
    for (const driver of drivers) {
      const challenge = driver.verifyWebhook(query);
      if (challenge !== null) return challenge;
    }
    log.warn('webhook handshake with a wrong verify token');
    throw new KurirError('webhook.forbidden', 'The verify token does not match');
  };

  /** Hands one delivery to each receiver in turn; every one must find the signature good. */
  const deliver = async (
    receivers: readonly Receiver[],
    raw: Buffer,
    rawHeaders: Record<string, string | string[] | undefined>,
    log: FastifyBaseLogger,
  ) => {
    const headers = Object.fromEntries(
      Object.entries(rawHeaders).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
    ) as Record<string, string | undefined>;
    for (const receiver of receivers) {
      const { signatureOk } = await receiver.receiveWebhook(raw, headers);
      if (!signatureOk) {
        // Logged without the body: it is unauthenticated input.
        log.warn({ bytes: raw.length }, 'webhook with a bad signature refused');
        throw new KurirError('webhook.bad_signature', 'The X-Hub-Signature-256 does not match the body');
      }
    }
  };

  const bodyOf = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

  app.get(
    '/webhooks/cloud-api',
    {
      schema: operation({
        operationId: 'verifyCloudApiWebhook',
        tags: ['webhooks'],
        summary: "Meta's subscription handshake for the server's one callback URL",
        description: 'Answers when the verify token matches any Cloud API sender.',
        security: [],
        querystring: HubQuery,
        response: { 200: CHALLENGE },
        errors: ['webhook.forbidden'],
      }),
    },
    async (request, reply) => {
      const drivers = (await cloudSenders()).flatMap((s) => {
        const d = engine.sessions.get(s.id)?.driver;
        return d !== undefined && isWebhookReceiver(d) ? [d] : [];
      });
      const challenge = handshake(drivers, request.query as Record<string, string | undefined>, request.log);
      return reply.header('content-type', 'text/plain; charset=utf-8').send(challenge);
    },
  );

  app.post(
    '/webhooks/cloud-api',
    {
      schema: operation({
        operationId: 'receiveCloudApiWebhook',
        tags: ['webhooks'],
        summary: 'Statuses and inbound messages for any Cloud API sender, routed by phone_number_id',
        description:
          'Each sender whose `phoneNumberId` the delivery names checks the signature and stores its statuses ' +
          'and messages; only then does Meta get a 200. Anything else makes Meta deliver it again.',
        security: [],
        headers: SignatureHeader,
        rawBody: { 'application/json': MetaDelivery },
        response: { 200: reply('Stored (or for numbers this server does not have)', Received) },
        errors: ['webhook.bad_signature', 'sender.unavailable', 'server.internal'],
      }),
    },
    async (request) => {
      const raw = bodyOf(request.body);
      const ids = phoneNumberIdsOf(raw);
      if (ids === null) throw new KurirError('request.invalid', 'The body is not a WhatsApp webhook payload');
      const senders = (await cloudSenders()).filter((s) => ids.has(String(s.config.phoneNumberId)));
      if (senders.length === 0) {
        // Acknowledged: Meta would otherwise retry, for days, numbers this server does not have.
        request.log.warn({ numbers: ids.size }, 'webhook for numbers without a sender here');
        return { received: false };
      }
      await deliver(senders.map(receiverOf), raw, request.headers, request.log);
      return { received: true };
    },
  );

  app.get(
    '/webhooks/cloud-api/:id',
    {
      schema: operation({
        operationId: 'verifySenderCloudApiWebhook',
        tags: ['webhooks'],
        summary: "Meta's subscription handshake for one sender (hub.mode, hub.verify_token, hub.challenge)",
        description: `The sender's \`webhookPath\`, e.g. \`/webhooks/cloud-api/${exampleIds.cloudApiSender}\`.`,
        security: [],
        params: IdParams,
        querystring: HubQuery,
        response: { 200: CHALLENGE },
        errors: ['webhook.forbidden', 'sender.not_found', 'sender.unavailable'],
      }),
    },
    async (request, reply) => {
      const driver = receiverOf(await oneSender(request.params.id));
      const log = request.log.child({ senderId: request.params.id });
      const challenge = handshake([driver], request.query as Record<string, string | undefined>, log);
      return reply.header('content-type', 'text/plain; charset=utf-8').send(challenge);
    },
  );

  app.post(
    '/webhooks/cloud-api/:id',
    {
      schema: operation({
        operationId: 'receiveSenderCloudApiWebhook',
        tags: ['webhooks'],
        summary: "Statuses and inbound messages for one sender, signed with the app's secret",
        security: [],
        params: IdParams,
        headers: SignatureHeader,
        rawBody: { 'application/json': MetaDelivery },
        response: { 200: reply('Stored', Received) },
        errors: ['webhook.bad_signature', 'sender.not_found', 'sender.unavailable', 'server.internal'],
      }),
    },
    async (request) => {
      const driver = receiverOf(await oneSender(request.params.id));
      const log = request.log.child({ senderId: request.params.id });
      await deliver([driver], bodyOf(request.body), request.headers, log);
      return { received: true };
    },
  );
};
