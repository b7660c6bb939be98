import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { partTypes } from '../../drivers/driver.ts';
import type { ReplyRule as NetworkReplyRule } from '../../drivers/simulator/reply-rules.ts';
import {
  InboundToBody,
  Phone,
  PhoneParams,
  ReplyRuleBody,
} from '../../drivers/simulator/simulator-schemas.ts';
import type { SimulatorControls } from '../../engine/simulator-controls.ts';
import { Nullable, oneOf } from '../common-schemas.ts';
import { noContent, operation, reply } from '../operation.ts';

export interface SimulatorRoutesOptions {
  controls: SimulatorControls;
}

/*
 * The request and response shapes are the standalone simulator's (`kurir simulator`), so a
 * script written against one works against the other; only the numbers are limited to the
 * key's workspace. Instants are epoch milliseconds, as there.
 */

const RULE_EXAMPLE = { recipients: ['+5511987654321'], reply: 'STOP', afterMs: [2000, 5000] };
const SENDER_PHONE = '+15550142817';

const ReplyRule = Type.Object(ReplyRuleBody.properties, {
  additionalProperties: false,
  title: 'SimulatorReplyRule',
  description:
    'How simulated recipients answer a message. Rules are tried in order; the first that fits answers, ' +
    'once per message however many parts it came in.',
  examples: [RULE_EXAMPLE],
});

const Rules = Type.Object(
  { rules: Type.Array(ReplyRule, { description: "The workspace's rules, in the order they are tried" }) },
  {
    description: "The workspace's reply rules",
    examples: [{ rules: [{ ...RULE_EXAMPLE, senders: [SENDER_PHONE] }] }],
  },
);

const Inbound = Type.Object(InboundToBody.properties, {
  additionalProperties: false,
  examples: [{ from: '+5511987654321', to: SENDER_PHONE, text: 'Hi, is the spring sale still on?' }],
});

const InboundId = Type.Object(
  { id: Type.String({ description: "The inbound message's id on the network" }) },
  { description: 'The sender has the message', examples: [{ id: 'SIMIN3F9A0C71D2E4B8A61C5' }] },
);

const ReceivedMessage = Type.Object({
  at: Type.Integer({ description: 'Epoch milliseconds' }),
  from: Type.String({ description: 'The sender' }),
  messageId: Type.String({ description: 'The WhatsApp message id' }),
  ref: Type.String({ description: "Kurir's id of the part" }),
  type: oneOf(partTypes),
  text: Nullable(Type.String()),
  mediaUrl: Nullable(Type.String()),
});

const Received = Type.Object(
  {
    recipients: Type.Record(Type.String(), Type.Array(ReceivedMessage), {
      description: "By recipient: what each holds from the workspace's senders, in arrival order",
    }),
  },
  {
    description: "What recipients got from the workspace's senders",
    examples: [
      {
        recipients: {
          '+5511987654321': [
            {
              at: 1767603600000,
              from: SENDER_PHONE,
              messageId: '3EB0C4A1F2D9E8B7A6C5',
              ref: '3EB0C4A1F2D9E8B7A6C5',
              type: 'text',
              text: 'Hi Ana, our spring sale starts today!',
              mediaUrl: null,
            },
          ],
        },
      },
    ],
  },
);

const SenderState = Type.Object(
  {
    phone: Type.String(),
    status: Type.String({ description: 'pairing, connected, disconnected, logged_out or banned' }),
    paired: Type.Boolean(),
    autoPair: Type.Boolean(),
    attached: Type.Boolean({ description: 'A driver holds the session now' }),
    qr: Nullable(Type.String()),
    pairingCode: Nullable(Type.String()),
    pendingEvents: Type.Integer({ description: 'Events the server has not acknowledged yet' }),
  },
  {
    description: "The sender's account on the simulated network",
    examples: [
      {
        phone: SENDER_PHONE,
        status: 'connected',
        paired: true,
        autoPair: false,
        attached: true,
        qr: null,
        pairingCode: null,
        pendingEvents: 1,
      },
    ],
  },
);

function rulesJson(rules: NetworkReplyRule[]) {
  return {
    rules: rules.map(({ afterMs, ...rule }) => ({
      ...rule,
      ...(afterMs === undefined
        ? {}
        : {
            afterMs: typeof afterMs === 'number' ? afterMs : ([afterMs[0], afterMs[1]] as [number, number]),
          }),
    })),
  };
}

/**
 * The built-in simulated network, steered with a workspace's key: scripted replies, people
 * writing in, what recipients got, and the phone's side of pairing. Registered only when
 * the server runs the simulator.
 */
export const simulatorRoutes: FastifyPluginAsyncTypebox<SimulatorRoutesOptions> = async (
  app,
  { controls },
) => {
  app.post(
    '/replies',
    {
      schema: operation({
        operationId: 'addSimulatorReplyRule',
        tags: ['simulator'],
        summary: 'Script how simulated recipients answer your senders',
        description:
          "A rule answers messages from the workspace's simulator senders only: those in `senders`, or every " +
          'one the workspace has when the rule is added.',
        body: ReplyRule,
        response: { 201: reply("The workspace's rules, the new one last", Rules) },
        errors: ['simulator.no_sender', 'simulator.unknown_sender', 'simulator.invalid_rule'],
      }),
    },
    async (request, reply) => {
      const rules = await controls.addReplyRule(request.workspace.id, request.body);
      return reply.code(201).send(rulesJson(rules));
    },
  );

  app.get(
    '/replies',
    {
      schema: operation({
        operationId: 'listSimulatorReplyRules',
        tags: ['simulator'],
        summary: "The workspace's reply rules",
        response: { 200: reply("The workspace's rules, in the order they are tried", Rules) },
      }),
    },
    async (request) => rulesJson(await controls.replyRules(request.workspace.id)),
  );

  app.delete(
    '/replies',
    {
      schema: operation({
        operationId: 'clearSimulatorReplyRules',
        tags: ['simulator'],
        summary: "Remove the workspace's reply rules",
        response: { 204: noContent('Removed') },
      }),
    },
    async (request, reply) => {
      await controls.clearReplyRules(request.workspace.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/inbound',
    {
      schema: operation({
        operationId: 'simulateInboundMessage',
        tags: ['simulator'],
        summary: 'A simulated person writes to one of your senders, now',
        description: 'The sender gets it as an inbound message (opt-out words included), as from WhatsApp.',
        body: Inbound,
        response: { 201: reply('The sender has the message', InboundId) },
        errors: ['simulator.unknown_sender', 'simulator.not_pairing'],
      }),
    },
    async (request, reply) => {
      const { from, to, text, inReplyTo } = request.body;
      const id = await controls.inbound(request.workspace.id, {
        from,
        to,
        text,
        ...(inReplyTo === undefined ? {} : { inReplyTo }),
      });
      return reply.code(201).send({ id });
    },
  );

  app.get(
    '/records/received',
    {
      schema: operation({
        operationId: 'listSimulatorReceived',
        tags: ['simulator'],
        summary: "What recipients got from the workspace's simulator senders",
        querystring: Type.Object({ to: Type.Optional({ ...Phone, description: 'Only this recipient' }) }),
        response: { 200: reply("What recipients got from the workspace's senders", Received) },
      }),
    },
    async (request) => ({ recipients: await controls.received(request.workspace.id, request.query.to) }),
  );

  app.post(
    '/senders/:phone/pair',
    {
      schema: operation({
        operationId: 'pairSimulatorSender',
        tags: ['simulator'],
        summary: "Complete a simulator sender's pairing, as its phone would",
        description:
          'Stands in for scanning the QR code (or typing the code) of a sender without `autoPair`.',
        params: PhoneParams,
        response: { 200: reply("The sender's account, now paired", SenderState) },
        errors: ['sender.not_found', 'simulator.unknown_sender', 'simulator.not_pairing'],
      }),
    },
    async (request) => controls.pair(request.workspace.id, request.params.phone),
  );
};
