import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { KurirError, notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { newSender, type Sender, senderStatus } from '../../domain/sender.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../store/store.ts';
import { addExamples, exampleOf, IdParams, Nullable, refTo, Timestamp, toIso } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { binary, noContent, operation, reply } from '../operation.ts';
import { readSenderConfig, SenderCreate, SenderPatch, SenderSchema } from './sender-schemas.ts';

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
/** A sender that sends in office hours and had a bad minute around 11:00. */
const statsHours = Array.from({ length: 24 }, (_, i) => {
  const hour = Date.UTC(2026, 2, 8, 10 + i);
  const utc = new Date(hour).getUTCHours();
  const sent = utc >= 8 && utc < 17 ? ([52, 61, 48, 57, 60, 55, 49, 58, 44][utc - 8] ?? 0) : 0;
  return { hour: new Date(hour).toISOString(), sent, failed: utc === 11 ? 4 : utc === 9 ? 1 : 0 };
});
addExamples(StatsSchema, {
  health: 96,
  sent: { lastHour: 44, lastDay: statsHours.reduce((n, h) => n + h.sent, 0) },
  failed: { lastHour: 0, lastDay: statsHours.reduce((n, h) => n + h.failed, 0) },
  hourly: statsHours,
  healthHistory: [
    { at: '2026-03-09T11:05:00.000Z', health: 78 },
    { at: '2026-03-09T11:40:00.000Z', health: 91 },
    { at: '2026-03-09T14:10:00.000Z', health: 96 },
  ],
});

const QrSchema = addExamples(
  Type.Object({
    status: Type.String(),
    qr: Nullable(Type.String({ description: 'The raw QR payload' })),
    png: Nullable(Type.String({ description: 'The QR as a data:image/png URL' })),
    pairingCode: Nullable(Type.String()),
  }),
  {
    status: 'pairing',
    qr: '2@x8Rk1mZ0T4fQ9uV3bN7cL2pWs6Yd5Ha…,Jv0sX1b9rM4kP7tQ2wE5yU8iO3aS6dF=,Ib7gK2nL9mQ4vR1tY6uW3zX8cA5sD0fE=,kT3nR8vY1uP6wQ0s',
    png: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAUAAAAFACAYAAADNkKWq…',
    pairingCode: null,
  },
);

const senderExample = exampleOf(SenderSchema);

export const senderRoutes: FastifyPluginAsyncTypebox<SenderRoutesOptions> = async (
  app,
  { store, clock, newId, engine },
) => {
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
      schema: operation({
        operationId: 'createSender',
        tags: ['senders'],
        summary: 'Add a sender (a WhatsApp number) and connect it',
        description:
          'A `baileys` sender pairs by QR code (`GET /v1/senders/{id}/qr`) or by a code typed on the phone ' +
          '(`POST /v1/senders/{id}/pairing-code`). A `cloud-api` sender needs no pairing; point Meta at its `webhookPath`. ' +
          'Secrets (access token, app secret, verify token) are stored encrypted and never returned.',
        body: SenderCreate,
        response: {
          201: reply('The new sender, pairing or connecting', SenderSchema, {
            example: {
              ...senderExample,
              phone: null,
              status: 'pairing',
              health: 100,
              updatedAt: senderExample.createdAt,
            },
          }),
        },
        errors: ['sender.invalid'],
      }),
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
      schema: operation({
        operationId: 'listSenders',
        tags: ['senders'],
        summary: "The workspace's senders",
        response: {
          200: reply(
            'Every sender, with its status and health now',
            Type.Object({ data: Type.Array(refTo(SenderSchema)) }),
            {
              example: {
                data: [
                  {
                    ...senderExample,
                    id: exampleIds.simulatorSender,
                    name: 'Simulator',
                    driver: 'simulator',
                    config: { phone: '+4915550100001', autoPair: true },
                    phone: '+4915550100001',
                    health: 100,
                    quotas: { perMinute: null, perHour: null, perDay: null },
                    createdAt: '2026-03-02T10:50:34.125Z',
                    updatedAt: '2026-03-02T10:50:34.125Z',
                  },
                  senderExample,
                  {
                    ...senderExample,
                    id: exampleIds.cloudApiSender,
                    name: 'Meta – São Paulo',
                    driver: 'cloud-api',
                    config: { phoneNumberId: '106540352242922' },
                    phone: null,
                    health: 100,
                    quotas: { perMinute: null, perHour: null, perDay: null },
                    webhookPath: `/webhooks/cloud-api/${exampleIds.cloudApiSender}`,
                    createdAt: '2026-03-02T11:01:30.894Z',
                    updatedAt: '2026-03-02T11:01:30.894Z',
                  },
                ],
              },
            },
          ),
        },
      }),
    },
    async (request) => {
      const all = await store.senders.list(request.workspace.id);
      return { data: all.map((s) => senderJson(live(s))) };
    },
  );

  app.get(
    '/senders/:id',
    {
      schema: operation({
        operationId: 'getSender',
        tags: ['senders'],
        summary: 'One sender',
        params: IdParams,
        response: { 200: reply('The sender, with its status and health now', SenderSchema) },
        errors: ['sender.not_found'],
      }),
    },
    async (request) => senderJson(await current(request.workspace.id, request.params.id)),
  );

  app.patch(
    '/senders/:id',
    {
      schema: operation({
        operationId: 'updateSender',
        tags: ['senders'],
        summary: 'Rename a sender, change its quotas, or give it a new config',
        description: 'A new `config` reconnects the sender with it; its secrets are replaced, never shown.',
        params: IdParams,
        body: SenderPatch,
        response: { 200: reply('The sender as it is now', SenderSchema) },
        errors: ['sender.not_found', 'sender.invalid'],
      }),
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
      schema: operation({
        operationId: 'deleteSender',
        tags: ['senders'],
        summary: 'Remove a sender',
        description: 'Refused while a scheduled, running or paused campaign uses it.',
        params: IdParams,
        response: { 204: noContent('The sender is disconnected and removed') },
        errors: ['sender.not_found', 'sender.in_use'],
      }),
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
        schema: operation({
          operationId: `${action}Sender`,
          tags: ['senders'],
          summary: action === 'pause' ? 'Stop using a sender until resumed' : 'Use a paused sender again',
          params: IdParams,
          response: {
            200: reply(action === 'pause' ? 'The paused sender' : 'The sender, back in use', SenderSchema, {
              example:
                action === 'pause'
                  ? { ...senderExample, status: 'paused', statusReason: 'paused by a user' }
                  : senderExample,
            }),
          },
          errors: ['sender.not_found'],
        }),
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
      schema: operation({
        operationId: 'connectSender',
        tags: ['senders'],
        summary: 'Connect (or re-pair) a sender',
        params: IdParams,
        response: {
          200: reply('The sender as its driver reports it now (pairing: fetch its QR code)', SenderSchema),
        },
        errors: ['sender.not_found'],
      }),
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
      schema: operation({
        operationId: 'logoutSender',
        tags: ['senders'],
        summary: 'Unlink a sender from its phone',
        params: IdParams,
        response: {
          200: reply('The sender, logged out; connect it to pair again', SenderSchema, {
            example: { ...senderExample, status: 'logged_out', statusReason: 'logged out by Kurir' },
          }),
        },
        errors: ['sender.not_found', 'sender.unavailable'],
      }),
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
      schema: operation({
        operationId: 'getSenderQr',
        tags: ['senders'],
        summary: 'The QR code to scan while pairing, as text (and a PNG data URL)',
        description:
          'Scan it in WhatsApp: Settings › Linked devices › Link a device. WhatsApp renews the code about every ' +
          '20 seconds; `qr` is null once the sender is paired.',
        params: IdParams,
        response: { 200: reply("The sender's status and its current QR code, if it is pairing", QrSchema) },
        errors: ['sender.not_found'],
      }),
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
      schema: operation({
        operationId: 'getSenderQrPng',
        tags: ['senders'],
        summary: 'The QR code to scan while pairing, as a PNG image',
        params: IdParams,
        response: { 200: binary('The QR code, 320 pixels wide', 'image/png') },
        errors: ['sender.not_found', 'sender.unavailable'],
      }),
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
      schema: operation({
        operationId: 'requestSenderPairingCode',
        tags: ['senders'],
        summary: 'Pair with a code typed on the phone instead of a QR code',
        description:
          'On the phone: Settings › Linked devices › Link a device › Link with phone number instead, then type ' +
          'the code. For WhatsApp Web (`baileys`) senders.',
        params: IdParams,
        body: addExamples(
          Type.Object(
            {
              phone: Type.String({
                pattern: '^\\+[1-9][0-9]{6,14}$',
                description: 'The number being linked, E.164',
              }),
            },
            { additionalProperties: false },
          ),
          { phone: '+4930901820' },
        ),
        response: {
          200: reply(
            'The code to type on the phone',
            addExamples(Type.Object({ code: Type.String() }), { code: 'KX7M-2QPL' }),
          ),
        },
        errors: ['sender.not_found', 'sender.unavailable', 'sender.invalid'],
      }),
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
      schema: operation({
        operationId: 'getSenderStats',
        tags: ['senders'],
        summary: 'Sent and failed per hour and day, and health history',
        params: IdParams,
        response: { 200: reply('Counts from the message rows of the last 24 hours', StatsSchema) },
        errors: ['sender.not_found'],
      }),
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
