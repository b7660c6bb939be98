import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { KurirError, notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { newSender, type Sender, senderStatus } from '../../domain/sender.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../store/store.ts';
import { IdParams, Nullable, problems, streamed, Timestamp, toIso } from '../common-schemas.ts';
import { readSenderConfig, SenderCreate, SenderPatch } from './sender-schemas.ts';

export interface SenderRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  engine: Engine;
}

function senderJson(s: Sender) {
  return {
    id: s.id,
    name: s.name,
    driver: s.driver,
    config: s.config,
    phone: s.phone,
    status: senderStatus(s),
    statusReason: s.pausedReason ?? s.connectionReason,
    health: s.health,
    quotas: {
      perMinute: s.quotas.perMinute ?? null,
      perHour: s.quotas.perHour ?? null,
      perDay: s.quotas.perDay ?? null,
    },
    webhookPath: s.driver === 'cloud-api' ? `/webhooks/cloud-api/${s.id}` : null,
    createdAt: toIso(s.createdAt),
    updatedAt: toIso(s.updatedAt),
  };
}

const StatsSchema = Type.Object({
  health: Type.Integer(),
  sent: Type.Object({ lastHour: Type.Integer(), lastDay: Type.Integer() }),
  failed: Type.Object({ lastHour: Type.Integer(), lastDay: Type.Integer() }),
  hourly: Type.Array(Type.Object({ hour: Timestamp, sent: Type.Integer(), failed: Type.Integer() }), {
    description: 'The last 24 hours, oldest first',
  }),
  healthHistory: Type.Array(Type.Object({ at: Timestamp, health: Type.Integer() })),
});

export const senderRoutes: FastifyPluginAsyncTypebox<SenderRoutesOptions> = async (
  app,
  { store, clock, newId, engine },
) => {
  const ref = Type.Unsafe({ $ref: 'Sender#' });
  /** A stored sender as the engine sees it now (its session holds the freshest state). */
  const live = (stored: Sender): Sender => {
    const session = engine.sessions.get(stored.id)?.sender;
    return session === undefined
      ? stored
      : { ...session, health: engine.fleet.health(stored.id, clock.now()) };
  };
  const current = async (workspaceId: string, id: string): Promise<Sender> => {
    const stored = await store.senders.get(workspaceId, id);
    if (stored === null) throw notFound('sender', id);
    return live(stored);
  };
  const session = (id: string) => {
    const s = engine.sessions.get(id);
    if (s === undefined)
      throw new KurirError('sender.unavailable', 'The sender has no session; connect it first');
    return s;
  };

  app.post(
    '/senders',
    {
      schema: {
        tags: ['senders'],
        summary: 'Add a sender (a WhatsApp number) and connect it',
        description:
          'A `baileys` sender pairs by QR code (`GET /v1/senders/{id}/qr`) or by a code typed on the phone ' +
          '(`POST /v1/senders/{id}/pairing-code`). A `cloud-api` sender needs no pairing; point Meta at its `webhookPath`. ' +
          'Secrets (access token, app secret, verify token) are stored encrypted and never returned.',
        body: SenderCreate,
        response: { 201: ref, ...problems(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      const { name, driver, quotas } = request.body;
      const { config, secrets } = readSenderConfig(driver, request.body.config);
      const identity = driver === 'cloud-api' ? 'phoneNumberId' : 'phone';
      const taken =
        config[identity] !== undefined &&
        (await store.senders.list(ws.id)).some((s) => s.config[identity] === config[identity]);
      if (taken) {
        throw new KurirError('sender.invalid', `A sender with this ${identity} exists already`, {
          errors: [{ pointer: `/config/${identity}`, detail: 'is already a sender of this workspace' }],
        });
      }
      const sender = newSender({
        id: newId('snd'),
        workspaceId: ws.id,
        name: name.trim(),
        driver,
        config,
        ...(quotas === undefined ? {} : { quotas }),
        now: clock.now(),
      });
      await store.senders.create(sender, secrets === null ? null : engine.seal(JSON.stringify(secrets)));
      const opened = await engine.sessions.open(sender);
      return reply.code(201).send(senderJson(opened.sender));
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
    async (request) => {
      const all = await store.senders.list(request.workspace.id);
      return { data: all.map((s) => senderJson(live(s))) };
    },
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
        summary: 'Rename a sender, change its quotas, or give it a new config',
        params: IdParams,
        body: SenderPatch,
        response: { 200: ref, ...problems(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const ws = request.workspace;
      const sender = await current(ws.id, request.params.id);
      const { name, quotas } = request.body;
      const now = clock.now();
      const read =
        request.body.config === undefined ? null : readSenderConfig(sender.driver, request.body.config);
      const updated = await store.senders.update(
        ws.id,
        sender.id,
        {
          ...(read === null ? {} : { config: read.config }),
          ...(name ? { name: name.trim() } : {}),
          ...(quotas ? { quotas } : {}),
        },
        now,
      );
      if (read !== null) {
        if (read.secrets !== null)
          await store.senders.setSecret(sender.id, engine.seal(JSON.stringify(read.secrets)), now);
        if (updated !== null) await engine.sessions.open(updated);
      } else {
        await engine.sessions.refresh(sender.id);
      }
      if (updated === null) throw notFound('sender', sender.id);
      return senderJson(live(updated));
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
      const opened = await engine.sessions.open(sender);
      return senderJson(opened.sender);
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
      await session(request.params.id).driver.logout();
      return senderJson(await current(request.workspace.id, request.params.id));
    },
  );

  app.get(
    '/senders/:id/qr',
    {
      schema: {
        tags: ['senders'],
        summary: 'The QR code to scan while pairing, as text (and a PNG data URL)',
        params: IdParams,
        response: {
          200: Type.Object({
            status: Type.String(),
            qr: Nullable(Type.String({ description: 'The raw QR payload' })),
            png: Nullable(Type.String({ description: 'The QR as a data:image/png URL' })),
            pairingCode: Nullable(Type.String()),
          }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      const sender = await current(request.workspace.id, request.params.id);
      const s = engine.sessions.get(sender.id);
      const qr = s?.latestQr ?? null;
      return {
        status: senderStatus(sender),
        qr,
        png: qr === null ? null : await QRCode.toDataURL(qr, { margin: 1, width: 320 }),
        pairingCode: s?.latestPairingCode ?? null,
      };
    },
  );

  app.get(
    '/senders/:id/qr.png',
    {
      schema: {
        tags: ['senders'],
        summary: 'The QR code to scan while pairing, as a PNG image',
        params: IdParams,
        produces: ['image/png'],
        response: { 200: streamed('PNG'), ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const sender = await current(request.workspace.id, request.params.id);
      const qr = engine.sessions.get(sender.id)?.latestQr ?? null;
      if (qr === null)
        throw new KurirError(
          'sender.unavailable',
          `No QR code to scan: the sender is ${senderStatus(sender)}`,
        );
      return reply
        .header('content-type', 'image/png')
        .send(await QRCode.toBuffer(qr, { margin: 1, width: 320 }));
    },
  );

  app.post(
    '/senders/:id/pairing-code',
    {
      schema: {
        tags: ['senders'],
        summary: 'Pair with a code typed on the phone instead of a QR code',
        params: IdParams,
        body: Type.Object(
          {
            phone: Type.String({
              pattern: '^\\+[1-9][0-9]{6,14}$',
              description: 'The number being linked, E.164',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ code: Type.String() }), ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => {
      await current(request.workspace.id, request.params.id);
      const driver = session(request.params.id).driver;
      if (driver.requestPairingCode === undefined) {
        throw new KurirError('sender.invalid', `A ${driver.kind} sender does not pair with a code`);
      }
      return { code: await driver.requestPairingCode(request.body.phone) };
    },
  );

  app.get(
    '/senders/:id/stats',
    {
      schema: {
        tags: ['senders'],
        summary: 'Sent and failed per hour and day, and health history',
        params: IdParams,
        response: { 200: StatsSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const sender = await current(request.workspace.id, request.params.id);
      const now = clock.now();
      const since = now - 86_400_000;
      const hours = await store.messages.hourlyOutcomes(sender.id, since);
      const thisHour = Math.floor(now / 3_600_000) * 3_600_000;
      const hourly = Array.from({ length: 24 }, (_, i) => {
        const hour = thisHour - (23 - i) * 3_600_000;
        const found = hours.get(hour);
        return { hour: toIso(hour), sent: found?.sent ?? 0, failed: found?.failed ?? 0 };
      });
      const lastHour = await store.messages.outcomeCounts(sender.id, now - 3_600_000);
      // Every bucket, not just the 24 shown: the same rows the day's total counts.
      const lastDay = { sent: 0, failed: 0 };
      for (const h of hours.values()) {
        lastDay.sent += h.sent;
        lastDay.failed += h.failed;
      }
      return {
        health: sender.health,
        sent: { lastHour: lastHour.sent, lastDay: lastDay.sent },
        failed: { lastHour: lastHour.failed, lastDay: lastDay.failed },
        hourly,
        healthHistory: (await store.senders.healthHistory(sender.id, since)).map((p) => ({
          at: toIso(p.at),
          health: p.health,
        })),
      };
    },
  );
};
