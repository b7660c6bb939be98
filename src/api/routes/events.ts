import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import type { EventBus, KurirEvent } from '../../engine/event-bus.ts';
import { exampleIds } from '../example-ids.ts';
import { operation, text } from '../operation.ts';

const HEARTBEAT_MS = 15_000;

/** A stream as a client reads it: the greeting, a receipt and a progress event. */
const STREAM_EXAMPLE = [
  'retry: 2000',
  ': connected, last event 1773043200000412',
  '',
  'id: 1773043200000413',
  'event: message.delivered',
  `data: {"id":1773043200000413,"type":"message.delivered","at":"2026-03-09T08:00:04.402Z","campaignId":"${exampleIds.campaign}","messageId":"${exampleIds.message}","data":{"from":"sent"}}`,
  '',
  'id: 1773043200000414',
  'event: campaign.progress',
  `data: {"id":1773043200000414,"type":"campaign.progress","at":"2026-03-09T08:00:05.000Z","campaignId":"${exampleIds.campaign}","data":{"status":"running","counts":{"total":1250,"queued":1247,"sending":1,"sent":1,"delivered":1,"read":0,"failed":0,"skipped":1}}}`,
  '',
  '',
].join('\n');

function frame(e: KurirEvent): string {
  const data = {
    id: e.id,
    type: e.type,
    at: new Date(e.at).toISOString(),
    ...(e.campaignId ? { campaignId: e.campaignId } : {}),
    ...(e.senderId ? { senderId: e.senderId } : {}),
    ...(e.messageId ? { messageId: e.messageId } : {}),
    data: e.data,
  };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events of the key's workspace. Reconnecting with `Last-Event-ID` replays what
 * the server still holds after that id; when it no longer does, a `reset` event says so and
 * the client should reload state from the API.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<{ bus: EventBus; clock: Clock }> = async (
  app,
  { bus, clock },
) => {
  // Open streams end when the server closes; otherwise they would hold it open.
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of [...open]) end();
  });
  app.get(
    '/events',
    {
      schema: operation({
        operationId: 'streamEvents',
        tags: ['events'],
        summary: 'Live events (SSE): message.*, campaign.*, sender.*, inbound.*, contact.opted_out',
        description:
          'A `text/event-stream` that stays open. Each event has an `id`; reconnect with the `Last-Event-ID` ' +
          'header (or `lastEventId`) to get what you missed while the server still holds it, else a `reset` ' +
          'event says to reload state. A comment line every 15 s keeps proxies from closing the stream.',
        querystring: Type.Object(
          {
            campaignId: Type.Optional(Type.String({ maxLength: 48 })),
            type: Type.Optional(
              Type.Array(Type.String({ maxLength: 40 }), {
                maxItems: 20,
                description: 'Only these types, or prefixes like `campaign.`',
              }),
            ),
            lastEventId: Type.Optional(
              Type.Integer({ minimum: 0, description: 'Same as the Last-Event-ID header' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: text(
            'Server-sent events, one per change, until the client leaves',
            'text/event-stream',
            STREAM_EXAMPLE,
          ),
        },
      }),
    },
    async (request, reply) => {
      const workspaceId = request.workspace.id;
      const { campaignId, type } = request.query;
      const header = Number(request.headers['last-event-id']);
      const after = request.query.lastEventId ?? (Number.isInteger(header) && header >= 0 ? header : null);
      const wanted = (e: KurirEvent) =>
        e.workspaceId === workspaceId &&
        (campaignId === undefined || e.campaignId === campaignId) &&
        (type === undefined || type.some((t) => e.type === t || (t.endsWith('.') && e.type.startsWith(t))));

      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      out.write(`retry: 2000\n: connected, last event ${bus.lastId}\n\n`);
      if (after !== null) {
        const { events, complete } = bus.since(after);
        if (!complete)
          out.write(`event: reset\ndata: {"reason":"events after ${after} are no longer held"}\n\n`);
        for (const e of events) if (wanted(e)) out.write(frame(e));
      }
      const unsubscribe = bus.subscribe((e) => {
        if (wanted(e)) out.write(frame(e));
      });
      let cancelHeartbeat = () => {};
      const beat = () => {
        cancelHeartbeat = clock.timer(clock.now() + HEARTBEAT_MS, () => {
          out.write(': keep-alive\n\n');
          beat();
        });
      };
      beat();
      const end = () => {
        open.delete(end);
        unsubscribe();
        cancelHeartbeat();
        if (!out.writableEnded) out.end();
      };
      open.add(end);
      request.raw.on('close', end);
    },
  );
};
