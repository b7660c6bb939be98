import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SimulatorError } from './simulator-error.ts';
import type { SimulatorNetwork } from './simulator-network.ts';
import {
  CreateSenderBody,
  DisconnectBody,
  FaultsBody,
  FractionBody,
  InboundBody,
  InboundToBody,
  PhoneParams,
  PhonesBody,
  ReasonBody,
  ReceiptsBody,
  ReplyRuleBody,
} from './simulator-schemas.ts';

/**
 * What a test, a demo or a person at `curl` uses to steer the network: senders and their
 * sessions (standing in for the phone), numbers, faults, receipts, replies, inbound messages.
 */
export const simulatorAdminRoutes: FastifyPluginAsyncTypebox<{ network: SimulatorNetwork }> = async (
  app,
  { network },
) => {
  const state = (phone: string) => {
    const found = network.senderState(phone);
    if (found === null) throw new SimulatorError('simulator.sender_not_found', `no sender ${phone}`);
    return found;
  };

  app.get('/senders', async () => ({ senders: network.senders() }));

  app.post('/senders', { schema: { body: CreateSenderBody } }, async (request, reply) => {
    const { phone, autoPair } = request.body;
    reply.code(201);
    return network.createSender(phone, autoPair === undefined ? {} : { autoPair });
  });

  app.get('/senders/:phone', { schema: { params: PhoneParams } }, async (request) =>
    state(request.params.phone),
  );

  app.post('/senders/:phone/pair', { schema: { params: PhoneParams } }, async (request) =>
    network.pair(request.params.phone),
  );

  app.post('/senders/:phone/logout', { schema: { params: PhoneParams, body: ReasonBody } }, async (request) =>
    network.logout(request.params.phone, request.body.reason),
  );

  app.post('/senders/:phone/ban', { schema: { params: PhoneParams, body: ReasonBody } }, async (request) =>
    network.ban(request.params.phone, request.body.reason),
  );

  app.post(
    '/senders/:phone/disconnect',
    { schema: { params: PhoneParams, body: DisconnectBody } },
    async (request) => network.disconnect(request.params.phone, request.body.reconnectAfterMs),
  );

  app.post(
    '/senders/:phone/inbound',
    { schema: { params: PhoneParams, body: InboundBody } },
    async (request, reply) => {
      const { from, text, inReplyTo } = request.body;
      reply.code(201);
      return { id: network.receive(from, request.params.phone, text, inReplyTo ?? null) };
    },
  );

  app.post('/inbound', { schema: { body: InboundToBody } }, async (request, reply) => {
    const { from, to, text, inReplyTo } = request.body;
    reply.code(201);
    return { id: network.receive(from, to, text, inReplyTo ?? null) };
  });

  app.get('/numbers/:phone', { schema: { params: PhoneParams } }, async (request) => {
    const { phone } = request.params;
    return { phone, status: network.numbers.status(phone), hasWhatsApp: network.numbers.hasWhatsApp(phone) };
  });

  app.post('/numbers/unregister', { schema: { body: PhonesBody } }, async (request, reply) => {
    network.numbers.unregister(request.body.phones);
    return reply.code(204).send();
  });

  app.post('/numbers/register', { schema: { body: PhonesBody } }, async (request, reply) => {
    network.numbers.register(request.body.phones);
    return reply.code(204).send();
  });

  app.post('/numbers/invalidate', { schema: { body: PhonesBody } }, async (request, reply) => {
    network.numbers.invalidate(request.body.phones);
    return reply.code(204).send();
  });

  app.put('/numbers/unregistered-fraction', { schema: { body: FractionBody } }, async (request) => {
    network.numbers.setUnregisteredFraction(request.body.fraction);
    return { fraction: network.numbers.unregisteredFraction };
  });

  app.get('/settings', async () => ({
    dedup: network.dedup,
    receipts: network.receiptSettings,
    faults: network.faults,
    unregisteredFraction: network.numbers.unregisteredFraction,
  }));

  app.patch('/faults', { schema: { body: FaultsBody } }, async (request) => network.setFaults(request.body));

  app.patch('/receipts', { schema: { body: ReceiptsBody } }, async (request) =>
    network.setReceipts(request.body),
  );

  app.get('/replies', async () => ({ rules: network.replies.list() }));

  app.post('/replies', { schema: { body: ReplyRuleBody } }, async (request, reply) => {
    network.addReplyRule(request.body);
    reply.code(201);
    return { rules: network.replies.list() };
  });

  app.delete('/replies', async (_request, reply) => {
    network.replies.clear();
    return reply.code(204).send();
  });

  app.post('/reset', async (_request, reply) => {
    network.reset();
    return reply.code(204).send();
  });
};
