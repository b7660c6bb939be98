import type { FastifyInstance } from 'fastify';
import type { WebhookReceiver } from '../../../src/drivers/driver.ts';

export interface WebhookRouteOptions {
  /** The driver of a sender, or null when there is no such Cloud API sender. */
  receiverFor: (senderId: string) => WebhookReceiver | null;
}

/**
 * Kurir's webhook endpoint as the API layer should serve it (`/webhooks/cloud-api/:senderId`),
 * kept here so the contract runs deliveries over real HTTP:
 *
 * - `GET`: the handshake; 200 with the challenge as plain text, else 403.
 * - `POST`: the body stays raw bytes (the signature is over them); 401 for a bad signature,
 *   200 once the driver resolved (the events are stored), 500 when it rejected, so that Meta
 *   delivers again.
 */
export async function webhookRoute(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  // Encapsulated in this plugin: other routes keep parsing JSON.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.get('/webhooks/cloud-api/:senderId', async (request, reply) => {
    const receiver = options.receiverFor((request.params as { senderId: string }).senderId);
    if (receiver === null) return reply.code(404).send();
    const challenge = receiver.verifyWebhook(request.query as Record<string, string | undefined>);
    if (challenge === null) return reply.code(403).send();
    return reply.type('text/plain').send(challenge);
  });
  app.post('/webhooks/cloud-api/:senderId', async (request, reply) => {
    const receiver = options.receiverFor((request.params as { senderId: string }).senderId);
    if (receiver === null) return reply.code(404).send();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = Array.isArray(value) ? value[0] : value;
    }
    try {
      const { signatureOk } = await receiver.receiveWebhook(request.body as Buffer, headers);
      return reply.code(signatureOk ? 200 : 401).send();
    } catch {
      // Not stored: Meta retries a delivery that did not get a 2xx.
      return reply.code(500).send();
    }
  });
}
