import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../domain/clock.ts';
import type { SequencedEvent } from './sender-event-log.ts';
import type { SimulatorNetwork } from './simulator-network.ts';
import {
  AckBody,
  CheckNumbersBody,
  ConnectBody,
  EmptyBody,
  PhoneParams,
  SendBody,
  TypingBody,
} from './simulator-schemas.ts';

export interface SimulatorLinkRoutesOptions {
  network: SimulatorNetwork;
  clock: Clock;
  /** A comment line this often keeps idle streams alive through proxies and client timeouts. */
  heartbeatMs?: number;
}

/**
 * The driver side of the network over HTTP, used by `HttpLink`: one route per
 * `SimulatorLink` call, under `/link/senders/:phone/`. Events are a server-sent event stream
 * starting at the sender's first unacknowledged event; `ack` moves that point.
 */
export const simulatorLinkRoutes: FastifyPluginAsyncTypebox<SimulatorLinkRoutesOptions> = async (
  app,
  { network, clock, heartbeatMs = 15_000 },
) => {
  const streams = new Set<() => void>();
  // Open streams would hold `app.close()` forever; end them first.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.post(
    '/link/senders/:phone/connect',
    { schema: { params: PhoneParams, body: ConnectBody } },
    async (request) => {
      network.connect(request.params.phone, request.body.pairWith ?? 'qr');
      return {};
    },
  );

  app.post(
    '/link/senders/:phone/send',
    { schema: { params: PhoneParams, body: SendBody } },
    async (request) => network.send(request.params.phone, request.body),
  );

  app.post(
    '/link/senders/:phone/check-numbers',
    { schema: { params: PhoneParams, body: CheckNumbersBody } },
    async (request) => ({
      results: Object.fromEntries(network.checkNumbers(request.params.phone, request.body.phones)),
    }),
  );

  app.post(
    '/link/senders/:phone/typing',
    { schema: { params: PhoneParams, body: TypingBody } },
    async (request) => {
      network.setTyping(request.params.phone, request.body.to, request.body.state);
      return {};
    },
  );

  app.post(
    '/link/senders/:phone/logout',
    { schema: { params: PhoneParams, body: EmptyBody } },
    async (request) => {
      network.unlink(request.params.phone);
      return {};
    },
  );

  app.post(
    '/link/senders/:phone/detach',
    { schema: { params: PhoneParams, body: EmptyBody } },
    async (request) => {
      network.detach(request.params.phone);
      return {};
    },
  );

  app.post(
    '/link/senders/:phone/ack',
    { schema: { params: PhoneParams, body: AckBody } },
    async (request) => {
      network.ack(request.params.phone, request.body.seq, request.body.log);
      return {};
    },
  );

  app.get('/link/senders/:phone/events', { schema: { params: PhoneParams } }, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // Sent at once so the client's request resolves before the first event.
    res.write(': following\n\n');
    let cancelHeartbeat = () => {};
    const beat = () => {
      cancelHeartbeat = clock.timer(clock.now() + heartbeatMs, () => {
        res.write(': heartbeat\n\n');
        beat();
      });
    };
    const end = () => {
      subscription.end();
      cancelHeartbeat();
      streams.delete(end);
      res.end();
    };
    const write = (entry: SequencedEvent) => {
      res.write(`id: ${entry.seq}\ndata: ${JSON.stringify(entry)}\n\n`);
    };
    streams.add(end);
    const subscription = network.subscribe(request.params.phone, write, end);
    beat();
    res.on('close', end);
  });
};
