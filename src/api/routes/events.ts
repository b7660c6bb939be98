import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import type { EventBus, KurirEvent } from '../../engine/event-bus.ts';
import { problems, streamed } from '../common-schemas.ts';

const HEARTBEAT_MS = 15_000;

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
      schema: {
        tags: ['events'],
        summary: 'Live events (SSE): message.*, campaign.*, sender.*, inbound.*, contact.opted_out',
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
        produces: ['text/event-stream'],
        response: { 200: streamed('text/event-stream'), ...problems(400, 401) },
      },
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
