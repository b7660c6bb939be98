import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import { isWebhookReceiver } from '../../drivers/driver.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../store/store.ts';
import { IdParams, problems } from '../common-schemas.ts';

/**
 * Meta's webhook for a Cloud API sender: no API key — the verify token (handshake) and the
 * `X-Hub-Signature-256` HMAC over the raw body are the authentication. A delivery is
 * answered 200 only once its statuses and messages are stored; anything else makes Meta
 * deliver it again.
 */
export const cloudApiWebhookRoutes: FastifyPluginAsyncTypebox<{ store: Store; engine: Engine }> = async (
  app,
  { store, engine },
) => {
  // The signature covers the exact bytes Meta sent: keep them, never re-serialise.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const receiverOf = async (senderId: string) => {
    const sender = await store.senders.find(senderId);
    const driver = engine.sessions.get(senderId)?.driver;
    if (
      sender === null ||
      sender.driver !== 'cloud-api' ||
      driver === undefined ||
      !isWebhookReceiver(driver)
    ) {
      throw new KurirError('sender.not_found', `No Cloud API sender ${senderId}`);
    }
    return driver;
  };

  app.get(
    '/webhooks/cloud-api/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Meta's subscription handshake (hub.mode, hub.verify_token, hub.challenge)",
        security: [],
        params: IdParams,
        querystring: Type.Object(
          {
            'hub.mode': Type.Optional(Type.String({ maxLength: 50 })),
            'hub.verify_token': Type.Optional(Type.String({ maxLength: 500 })),
            'hub.challenge': Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: Type.String(), ...problems(403, 404) },
      },
    },
    async (request, reply) => {
      const driver = await receiverOf(request.params.id);
      const challenge = driver.verifyWebhook(request.query as Record<string, string | undefined>);
      if (challenge === null) {
        request.log.warn({ senderId: request.params.id }, 'webhook handshake with a wrong verify token');
        throw new KurirError('webhook.forbidden', 'The verify token does not match');
      }
      return reply.header('content-type', 'text/plain; charset=utf-8').send(challenge);
    },
  );

  app.post(
    '/webhooks/cloud-api/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Statuses and inbound messages from Meta, signed with the app secret',
        security: [],
        params: IdParams,
        response: { 200: Type.Object({ received: Type.Boolean() }), ...problems(400, 401, 404, 500) },
      },
    },
    async (request) => {
      const driver = await receiverOf(request.params.id);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
      ) as Record<string, string | undefined>;
      const { signatureOk } = await driver.receiveWebhook(raw, headers);
      if (!signatureOk) {
        // Logged without the body: it is unauthenticated input.
        request.log.warn(
          { senderId: request.params.id, bytes: raw.length },
          'webhook with a bad signature refused',
        );
        throw new KurirError('webhook.bad_signature', 'The X-Hub-Signature-256 does not match the body');
      }
      return { received: true };
    },
  );
};
