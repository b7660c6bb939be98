import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { type Audience, type Campaign, campaignStatuses } from '../../domain/campaign.ts';
import type { Clock } from '../../domain/clock.ts';
import { normaliseTags } from '../../domain/contact.ts';
import { requirePhone } from '../../domain/contact-input.ts';
import { KurirError, notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { Message, MessageState } from '../../domain/message.ts';
import type { PacingInput } from '../../domain/pacing/pacing-policy.ts';
import type { Engine } from '../../engine/engine.ts';
import { messagesCsv } from '../../engine/message-export.ts';
import { type TestSendDeps, testSend } from '../../engine/test-send.ts';
import { audienceFilter } from '../../store/audience-expansion.ts';
import type { CampaignDraft } from '../../store/campaigns.ts';
import type { Store } from '../../store/store.ts';
import {
  IdParams,
  Nullable,
  oneOf,
  PageQuery,
  pageBody,
  pageOf,
  pageRequest,
  problems,
  streamed,
  toIso,
} from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';
import {
  type AudienceSchema,
  CampaignCreate,
  CampaignPatch,
  MessageListQuery,
  type PacingSchema,
} from './campaign-schemas.ts';

export interface CampaignRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  engine: Engine;
  mediaUrl: TestSendDeps['mediaUrl'];
}

function messageJson(m: Message) {
  return {
    id: m.id,
    campaignId: m.campaignId,
    contactId: m.contactId,
    phone: m.phone,
    seq: m.seq,
    state: m.state,
    reason: m.reason,
    detail: m.detail,
    senderId: m.senderId,
    whatsappId: m.waId,
    attempt: m.attempt,
    text: m.text,
    nextAt: m.state === 'queued' ? toIso(m.nextAt) : null,
    sentAt: toIso(m.sentAt),
    deliveredAt: toIso(m.deliveredAt),
    readAt: toIso(m.readAt),
    createdAt: toIso(m.createdAt),
    updatedAt: toIso(m.updatedAt),
  };
}

function readAudience(input: Static<typeof AudienceSchema> | undefined): Audience {
  const audience: Audience = {};
  if (input?.tags) audience.tags = normaliseTags(input.tags);
  if (input?.status) audience.status = normaliseTags(input.status);
  if (input?.fields) audience.fields = input.fields;
  if (input?.contactIds) audience.contactIds = [...new Set(input.contactIds)];
  if (input?.importId) audience.importId = input.importId;
  return audience;
}

function readInstant(value: string | null | undefined, pointer: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new KurirError('request.invalid', `${pointer} is not a valid date`, {
      errors: [{ pointer, detail: 'is not a valid date-time' }],
    });
  }
  return at;
}

export const campaignRoutes: FastifyPluginAsyncTypebox<CampaignRoutesOptions> = async (app, opts) => {
  const { store, clock, engine } = opts;
  const ref = Type.Unsafe({ $ref: 'Campaign#' });
  const messageRef = Type.Unsafe({ $ref: 'Message#' });

  const campaignJson = async (c: Campaign) => ({
    id: c.id,
    name: c.name,
    templateId: c.templateId,
    audience: c.audience,
    senderIds: c.senderIds,
    senderStrategy: c.senderStrategy,
    pacing: c.pacing,
    startAt: toIso(c.startAt),
    window: c.window,
    status: c.status,
    pauseReason: c.pauseReason,
    error: c.error,
    counts: {
      ...c.counts,
      sent: c.counts.sent + c.counts.delivered + c.counts.read,
      delivered: c.counts.delivered + c.counts.read,
    },
    audienceSize:
      c.status === 'draft' || c.status === 'scheduled'
        ? await store.contacts.count(c.workspaceId, audienceFilter(c.audience))
        : null,
    progress: engine.progress.progress(c, clock.now()),
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
    startedAt: toIso(c.startedAt),
    finishedAt: toIso(c.finishedAt),
  });

  const get = async (workspaceId: string, id: string) => {
    const c = await store.campaigns.get(workspaceId, id);
    if (c === null) throw notFound('campaign', id);
    return c;
  };

  app.post(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Create a campaign (a draft until started)',
        body: CampaignCreate,
        response: { 201: ref, ...problems(400, 401, 422) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await engine.campaigns.create(request.workspace.id, {
        name: b.name.trim(),
        templateId: b.templateId,
        senderIds: b.senderIds,
        ...(b.senderStrategy ? { senderStrategy: b.senderStrategy } : {}),
        audience: readAudience(b.audience),
        ...(b.pacing ? { pacing: b.pacing as PacingInput } : {}),
        window: b.window ?? null,
        startAt: readInstant(b.startAt, '/startAt') ?? null,
      });
      return reply.code(201).send(await campaignJson(created));
    },
  );

  app.get(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'List campaigns, newest first',
        querystring: Type.Object(
          { status: Type.Optional(Type.Array(oneOf(campaignStatuses), { maxItems: 7 })), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(ref, 'Campaign'), ...problems(400, 401) },
      },
    },
    async (request) => {
      const { status } = request.query;
      const page = await store.campaigns.list(
        request.workspace.id,
        { ...(status ? { status } : {}) },
        pageRequest(request.query),
      );
      return pageBody(await Promise.all(page.items.map(campaignJson)), page);
    },
  );

  app.get(
    '/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A campaign with counts and progress',
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404) },
      },
    },
    async (request) => campaignJson(await get(request.workspace.id, request.params.id)),
  );

  app.patch(
    '/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Change a draft or scheduled campaign',
        params: IdParams,
        body: CampaignPatch,
        response: { 200: ref, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const b = request.body;
      const draft: CampaignDraft = {};
      if (b.name !== undefined) draft.name = b.name.trim();
      if (b.templateId !== undefined) draft.templateId = b.templateId;
      if (b.audience !== undefined) draft.audience = readAudience(b.audience);
      if (b.senderIds !== undefined) draft.senderIds = b.senderIds;
      if (b.senderStrategy !== undefined) draft.senderStrategy = b.senderStrategy;
      if (b.pacing !== undefined) draft.pacing = b.pacing as Static<typeof PacingSchema> as PacingInput;
      if (b.window !== undefined) draft.window = b.window;
      if (b.startAt !== undefined) draft.startAt = readInstant(b.startAt, '/startAt') ?? null;
      return campaignJson(await engine.campaigns.update(request.workspace.id, request.params.id, draft));
    },
  );

  app.delete(
    '/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Delete a campaign that is not running, paused or scheduled (its messages go too)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      await engine.campaigns.delete(request.workspace.id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/campaigns/:id/start',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Start now, or schedule for `startAt`',
        description:
          'Checks template, senders and media first. `startAt` in the future schedules the campaign.',
        params: IdParams,
        // No body at all reaches validation as null.
        body: Nullable(
          Type.Object(
            { startAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: ref, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const at = readInstant(request.body?.startAt, '/startAt');
      return campaignJson(await engine.campaigns.start(request.workspace.id, request.params.id, at));
    },
  );

  const verbs = {
    pause: 'Pause: no message is sent after this answers',
    resume: 'Resume a paused campaign where it stopped',
    stop: 'Stop for good: what is still queued becomes skipped',
    clone: 'Copy a campaign as a new draft',
  } as const;
  for (const [verb, summary] of Object.entries(verbs) as [keyof typeof verbs, string][]) {
    app.post(
      `/campaigns/:id/${verb}`,
      {
        schema: {
          tags: ['campaigns'],
          summary,
          params: IdParams,
          response: { [verb === 'clone' ? 201 : 200]: ref, ...problems(400, 401, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const ws = request.workspace.id;
        const id = request.params.id;
        const result =
          verb === 'pause'
            ? await engine.campaigns.pause(ws, id)
            : verb === 'resume'
              ? await engine.campaigns.resume(ws, id)
              : verb === 'stop'
                ? await engine.campaigns.stop(ws, id)
                : await engine.campaigns.clone(ws, id);
        return reply.code(verb === 'clone' ? 201 : 200).send(await campaignJson(result));
      },
    );
  }

  app.post(
    '/campaigns/:id/test',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Send the rendered message to one number now',
        params: IdParams,
        body: Type.Object(
          {
            phone: Type.String({ minLength: 1, maxLength: 64 }),
            contactId: Type.Optional(Type.String({ maxLength: 48, description: 'Render for this contact' })),
            senderId: Type.Optional(Type.String({ maxLength: 48 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: messageRef, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const ws = request.workspace;
      const phone = requirePhone(request.body.phone, ws.defaultCountry);
      const message = await testSend(
        { store, clock, newId: opts.newId, sessions: engine.sessions, mediaUrl: opts.mediaUrl },
        ws.id,
        request.params.id,
        {
          phone,
          ...(request.body.contactId ? { contactId: request.body.contactId } : {}),
          ...(request.body.senderId ? { senderId: request.body.senderId } : {}),
        },
      );
      return messageJson(message);
    },
  );

  app.get(
    '/campaigns/:id/messages',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A campaign's messages in send order",
        params: IdParams,
        querystring: MessageListQuery,
        response: { 200: pageOf(messageRef, 'Message'), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const ws = request.workspace.id;
      await get(ws, request.params.id);
      const { state, senderId, phone, limit = 100, cursor } = request.query;
      const page = await store.messages.list(
        ws,
        {
          campaignId: request.params.id,
          ...(state ? { state: state as MessageState[] } : {}),
          ...(senderId ? { senderId } : {}),
          ...(phone ? { phone } : {}),
        },
        { limit, ...(cursor === undefined ? {} : { afterSeq: Number(cursor) }) },
      );
      return { data: page.items.map(messageJson), nextCursor: page.next };
    },
  );

  app.get(
    '/campaigns/:id/export',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A campaign's results as CSV",
        params: IdParams,
        produces: ['text/csv'],
        response: { 200: streamed('CSV'), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const c = await get(request.workspace.id, request.params.id);
      return sendCsv(reply, `${c.id}.csv`, messagesCsv(store.messages.stream(c.id)));
    },
  );

  app.get(
    '/messages/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'One message',
        params: IdParams,
        response: { 200: messageRef, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const m = await store.messages.get(request.workspace.id, request.params.id);
      if (m === null) throw notFound('message', request.params.id);
      return messageJson(m);
    },
  );
};
