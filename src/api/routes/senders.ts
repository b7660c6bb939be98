import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { KurirError } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { isE164 } from '../../domain/phone.ts';
import { type Sender, senderStatus } from '../../domain/sender.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../store/store.ts';
import { IdParams, Nullable, oneOf, problems, Timestamp, toIso } from '../common-schemas.ts';

export interface SenderRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  engine: Engine;
}

const Quota = Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }));
const Quotas = Type.Object(
  { perMinute: Type.Optional(Quota), perHour: Type.Optional(Quota), perDay: Type.Optional(Quota) },
  { additionalProperties: false },
);

const SimulatorConfig = Type.Object(
  {
    phone: Type.String({
      pattern: '^\\+[1-9][0-9]{6,14}$',
      description: 'The number on the simulated network, E.164',
    }),
    url: Type.Optional(
      Type.String({ pattern: '^https?://', maxLength: 500, description: 'A separate `kurir simulator`' }),
    ),
    autoPair: Type.Optional(Type.Boolean({ description: 'Pair without scanning a QR code' })),
    idempotentIds: Type.Optional(
      Type.Boolean({ description: 'Model a driver without custom message ids when false' }),
    ),
    maxPerSecond: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }))),
  },
  { additionalProperties: false },
);

export const SenderSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    driver: Type.String(),
    config: Type.Record(Type.String(), Type.Unknown()),
    phone: Nullable(Type.String()),
    status: Type.String({ description: 'pairing | connected | disconnected | logged_out | banned | paused' }),
    statusReason: Nullable(Type.String()),
    quotas: Type.Object({
      perMinute: Nullable(Type.Integer()),
      perHour: Nullable(Type.Integer()),
      perDay: Nullable(Type.Integer()),
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Sender', title: 'Sender' },
);

export function senderJson(s: Sender) {
  return {
    id: s.id,
    name: s.name,
    driver: s.driver,
    config: s.config,
    phone: s.phone,
    status: senderStatus(s),
    statusReason: s.pausedReason ?? s.connectionReason,
    quotas: {
      perMinute: s.quotas.perMinute ?? null,
      perHour: s.quotas.perHour ?? null,
      perDay: s.quotas.perDay ?? null,
    },
    createdAt: toIso(s.createdAt),
    updatedAt: toIso(s.updatedAt),
  };
}

const notFound = (id: string) => new KurirError('sender.not_found', `No sender ${id} in this workspace`);

export const senderRoutes: FastifyPluginAsyncTypebox<SenderRoutesOptions> = async (
  app,
  { store, clock, newId, engine },
) => {
  const ref = Type.Unsafe({ $ref: 'Sender#' });
  /** The sender as the engine sees it now (its session holds the freshest state). */
  const current = async (workspaceId: string, id: string) => {
    const stored = await store.senders.get(workspaceId, id);
    if (stored === null) throw notFound(id);
    return engine.sessions.get(id)?.sender ?? stored;
  };

  app.post(
    '/senders',
    {
      schema: {
        tags: ['senders'],
        summary: 'Add a sender (a WhatsApp number) and connect it',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            driver: oneOf(['simulator'] as const, {
              description: 'Real drivers (baileys, cloud-api) come next',
            }),
            config: SimulatorConfig,
            quotas: Type.Optional(Quotas),
          },
          { additionalProperties: false },
        ),
        response: { 201: ref, ...problems(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      const { name, driver, config, quotas } = request.body;
      if (!isE164(config.phone))
        throw new KurirError('sender.invalid', 'config.phone is not E.164', {
          errors: [{ pointer: '/config/phone', detail: 'must be E.164' }],
        });
      const taken = (await store.senders.list(ws.id)).some((s) => s.config.phone === config.phone);
      if (taken) {
        throw new KurirError('sender.invalid', `A sender for ${config.phone} exists already`, {
          errors: [{ pointer: '/config/phone', detail: 'is already a sender of this workspace' }],
        });
      }
      const now = clock.now();
      const sender: Sender = {
        id: newId('snd'),
        workspaceId: ws.id,
        name: name.trim(),
        driver,
        config: { ...config },
        phone: null,
        connection: 'pairing',
        connectionReason: null,
        quotas: quotas ?? {},
        pausedReason: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.senders.create(sender);
      const session = await engine.sessions.open(sender);
      return reply.code(201).send(senderJson(session.sender));
    },
  );

  app.get(
    '/senders',
    {
      schema: {
        tags: ['senders'],
        summary: "The workspace's senders",
        response: { 200: Type.Object({ data: Type.Array(ref) }), ...problems(401) },
      },
    },
    async (request) => ({
      data: (await store.senders.list(request.workspace.id)).map((s) =>
        senderJson(engine.sessions.get(s.id)?.sender ?? s),
      ),
    }),
  );

  app.get(
    '/senders/:id',
    {
      schema: {
        tags: ['senders'],
        summary: 'One sender',
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404) },
      },
    },
    async (request) => senderJson(await current(request.workspace.id, request.params.id)),
  );

  app.patch(
    '/senders/:id',
    {
      schema: {
        tags: ['senders'],
        summary: 'Rename a sender or change its quotas',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            quotas: Type.Optional(Quotas),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ref, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ws = request.workspace;
      await current(ws.id, request.params.id);
      const { name, quotas } = request.body;
      await store.senders.update(
        ws.id,
        request.params.id,
        { ...(name ? { name: name.trim() } : {}), ...(quotas ? { quotas } : {}) },
        clock.now(),
      );
      await engine.sessions.refresh(request.params.id);
      return senderJson(await current(ws.id, request.params.id));
    },
  );

  app.delete(
    '/senders/:id',
    {
      schema: {
        tags: ['senders'],
        summary: 'Remove a sender',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      await current(ws.id, request.params.id);
      const active = await store.campaigns.usingSender(request.params.id, ['scheduled', 'running', 'paused']);
      if (active.length > 0) {
        throw new KurirError(
          'sender.in_use',
          `Campaign ${active[0]} uses this sender; stop it or remove the sender from it first`,
        );
      }
      await engine.sessions.close(request.params.id);
      await store.senders.delete(ws.id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/senders/:id/${action}`,
      {
        schema: {
          tags: ['senders'],
          summary: action === 'pause' ? 'Stop using a sender until resumed' : 'Use a paused sender again',
          params: IdParams,
          response: { 200: ref, ...problems(400, 401, 404) },
        },
      },
      async (request) => {
        const ws = request.workspace;
        await current(ws.id, request.params.id);
        await store.senders.setPaused(
          request.params.id,
          action === 'pause' ? 'paused by a user' : null,
          clock.now(),
        );
        await engine.sessions.refresh(request.params.id);
        return senderJson(await current(ws.id, request.params.id));
      },
    );
  }

  app.post(
    '/senders/:id/connect',
    {
      schema: {
        tags: ['senders'],
        summary: 'Connect (or re-pair) a sender',
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const sender = await current(request.workspace.id, request.params.id);
      const session = await engine.sessions.open(sender);
      return senderJson(session.sender);
    },
  );

  app.post(
    '/senders/:id/logout',
    {
      schema: {
        tags: ['senders'],
        summary: 'Unlink a sender from its phone',
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => {
      await current(request.workspace.id, request.params.id);
      const session = engine.sessions.get(request.params.id);
      if (session === undefined)
        throw new KurirError('sender.unavailable', 'The sender has no session to log out of');
      await session.driver.logout();
      return senderJson(await current(request.workspace.id, request.params.id));
    },
  );

  app.get(
    '/senders/:id/qr',
    {
      schema: {
        tags: ['senders'],
        summary: 'The QR code to scan while pairing (raw string)',
        params: IdParams,
        response: {
          200: Type.Object({
            qr: Nullable(Type.String()),
            pairingCode: Nullable(Type.String()),
            status: Type.String(),
          }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      const sender = await current(request.workspace.id, request.params.id);
      const session = engine.sessions.get(sender.id);
      return {
        qr: session?.latestQr ?? null,
        pairingCode: session?.latestPairingCode ?? null,
        status: senderStatus(sender),
      };
    },
  );
};
