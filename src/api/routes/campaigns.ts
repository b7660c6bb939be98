import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { type Audience, type Campaign, campaignStatuses, windowOpensAt } from '../../domain/campaign.ts';
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
  addExamples,
  exampleOf,
  IdParams,
  Nullable,
  oneOf,
  PageQuery,
  pageBody,
  pageOf,
  pageRequest,
  toIso,
} from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';
import { exampleIds } from '../example-ids.ts';
import { noContent, operation, reply, text } from '../operation.ts';
import {
  type AudienceSchema,
  CampaignCreate,
  CampaignPatch,
  CampaignSchema,
  MessageListQuery,
  MessageSchema,
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

const campaignExample = exampleOf(CampaignSchema);
const messageExample = exampleOf(MessageSchema);
const noCounts = {
  total: 0,
  queued: 0,
  sending: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
};

export const campaignRoutes: FastifyPluginAsyncTypebox<CampaignRoutesOptions> = async (app, opts) => {
  const { store, clock, engine } = opts;

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
    windowOpensAt: toIso(windowOpensAt(c, clock.now())),
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
      schema: operation({
        operationId: 'createCampaign',
        tags: ['campaigns'],
        summary: 'Create a campaign (a draft until started)',
        description:
          'Checks that the template and senders are in the workspace, that a manual pacing has both bounds and ' +
          'that the window is a real time zone, naming each problem. Without `pacing` the campaign gets the ' +
          "server's default (medium).",
        body: CampaignCreate,
        response: {
          201: reply('The new draft', CampaignSchema, {
            example: {
              ...campaignExample,
              status: 'draft',
              counts: { ...campaignExample.counts, ...noCounts },
              audienceSize: 1_250,
              progress: { percent: 0, observedPerMinute: null, plannedPerMinute: 4.1, etaSeconds: null },
              updatedAt: campaignExample.createdAt,
              startedAt: null,
            },
          }),
        },
        errors: ['campaign.invalid'],
      }),
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
      schema: operation({
        operationId: 'listCampaigns',
        tags: ['campaigns'],
        summary: 'List campaigns, newest first',
        querystring: Type.Object(
          { status: Type.Optional(Type.Array(oneOf(campaignStatuses), { maxItems: 7 })), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: reply('A page of campaigns', pageOf(CampaignSchema, 'Campaign')) },
      }),
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
      schema: operation({
        operationId: 'getCampaign',
        tags: ['campaigns'],
        summary: 'A campaign with counts and progress',
        params: IdParams,
        response: {
          200: reply('The campaign, its counts from the message rows, and its progress', CampaignSchema),
        },
        errors: ['campaign.not_found'],
      }),
    },
    async (request) => campaignJson(await get(request.workspace.id, request.params.id)),
  );

  app.patch(
    '/campaigns/:id',
    {
      schema: operation({
        operationId: 'updateCampaign',
        tags: ['campaigns'],
        summary: 'Change a draft or scheduled campaign',
        description:
          'Only the fields given change; a `pacing` or `window` given replaces the old one whole. ' +
          'On a scheduled campaign `startAt: null` unschedules it: it is a draft again.',
        params: IdParams,
        body: CampaignPatch,
        response: { 200: reply('The campaign as it is now', CampaignSchema) },
        errors: ['campaign.not_found', 'campaign.invalid_state', 'campaign.invalid'],
      }),
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
      schema: operation({
        operationId: 'deleteCampaign',
        tags: ['campaigns'],
        summary: 'Delete a campaign that is not running, paused or scheduled (its messages go too)',
        params: IdParams,
        response: { 204: noContent('The campaign and its messages are deleted') },
        errors: ['campaign.not_found', 'campaign.invalid_state'],
      }),
    },
    async (request, reply) => {
      await engine.campaigns.delete(request.workspace.id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/campaigns/:id/start',
    {
      schema: operation({
        operationId: 'startCampaign',
        tags: ['campaigns'],
        summary: 'Start now, or schedule for `startAt`',
        description:
          'Checks template, senders, media and that the audience selects someone (422 `campaign.audience_empty`) ' +
          'first. `startAt` in the future schedules the campaign. Started while none of its senders can send, ' +
          'it is paused at once (`pauseReason: no_sender`) and resumes when one can. ' +
          'The body is optional; without one the campaign keeps its own `startAt`.',
        params: IdParams,
        // No body at all reaches validation as null.
        body: addExamples(
          Nullable(
            Type.Object(
              { startAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))) },
              { additionalProperties: false },
            ),
          ),
          { startAt: '2026-03-09T08:00:00.000Z' },
        ),
        response: { 200: reply('The campaign, now running or scheduled', CampaignSchema) },
        errors: [
          'campaign.not_found',
          'campaign.invalid_state',
          'campaign.audience_importing',
          'campaign.audience_empty',
          'campaign.invalid',
        ],
      }),
    },
    async (request) => {
      const at = readInstant(request.body?.startAt, '/startAt');
      return campaignJson(await engine.campaigns.start(request.workspace.id, request.params.id, at));
    },
  );

  const verbs = {
    pause: {
      summary: 'Pause: no message is sent after this answers',
      answer: 'The paused campaign',
      example: { status: 'paused', pauseReason: 'user' },
    },
    resume: {
      summary: 'Resume a paused campaign where it stopped',
      answer: 'The running campaign',
      example: {},
    },
    stop: {
      summary: 'Stop for good: what is still queued becomes cancelled',
      answer: 'The stopped campaign',
      example: {
        status: 'stopped',
        counts: { ...campaignExample.counts, queued: 0, sending: 0, cancelled: 829 },
        progress: { ...campaignExample.progress, percent: 100, etaSeconds: 0 },
        finishedAt: '2026-03-09T09:52:02.881Z',
      },
    },
    clone: {
      summary: 'Copy a campaign as a new draft',
      answer: 'The copy, a draft named after the original',
      example: {
        id: exampleIds.campaignCopy,
        name: 'Spring sale 2026 (copy)',
        status: 'draft',
        startAt: null,
        counts: { ...campaignExample.counts, ...noCounts },
        audienceSize: 1_250,
        progress: { percent: 0, observedPerMinute: null, plannedPerMinute: 4.1, etaSeconds: null },
        createdAt: '2026-03-09T09:52:10.300Z',
        updatedAt: '2026-03-09T09:52:10.300Z',
        startedAt: null,
      },
    },
  } as const;
  for (const [verb, { summary, answer, example }] of Object.entries(verbs) as [
    keyof typeof verbs,
    (typeof verbs)[keyof typeof verbs],
  ][]) {
    app.post(
      `/campaigns/:id/${verb}`,
      {
        schema: operation({
          operationId: `${verb}Campaign`,
          tags: ['campaigns'],
          summary,
          params: IdParams,
          response: {
            [verb === 'clone' ? 201 : 200]: reply(answer, CampaignSchema, {
              example: { ...campaignExample, ...example },
            }),
          },
          errors: ['campaign.not_found', verb === 'clone' ? 'campaign.invalid' : 'campaign.invalid_state'],
        }),
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
      schema: operation({
        operationId: 'sendCampaignTest',
        tags: ['campaigns'],
        summary: 'Send the rendered message to one number now',
        description:
          "Renders the campaign's template (for `contactId`, or for a contact with only this phone) and sends it " +
          'at once through `senderId` or a connected sender of the campaign, outside its pacing and window. ' +
          'The campaign itself does not change. ' +
          'A suppressed number (422 `message.suppressed`) or one without WhatsApp (422 `message.not_on_whatsapp`) ' +
          'is refused before anything is sent. The send counts against the sender’s quotas; while they are used up ' +
          'the answer is 429 `sender.quota_exceeded` with `Retry-After`. A Cloud API sender sends the approved template.',
        params: IdParams,
        body: addExamples(
          Type.Object(
            {
              phone: Type.String({ minLength: 1, maxLength: 64 }),
              contactId: Type.Optional(
                Type.String({ maxLength: 48, description: 'Render for this contact' }),
              ),
              senderId: Type.Optional(Type.String({ maxLength: 48 })),
            },
            { additionalProperties: false },
          ),
          {
            phone: '+55 11 98765-4321',
            contactId: exampleIds.contactJoao,
            senderId: exampleIds.simulatorSender,
          },
        ),
        response: {
          200: reply('The test message as sent', MessageSchema, {
            example: {
              ...messageExample,
              id: exampleIds.testMessage,
              campaignId: null,
              contactId: exampleIds.contactJoao,
              phone: '+5511987654321',
              seq: 0,
              state: 'sent',
              whatsappId: '3EB0AF2259268227700FDB',
              text: 'Hi João, our spring sale in São Paulo starts today: 20% off everything until Sunday!',
              sentAt: '2026-03-09T07:40:12.550Z',
              deliveredAt: null,
              readAt: null,
              createdAt: '2026-03-09T07:40:12.218Z',
              updatedAt: '2026-03-09T07:40:12.550Z',
            },
          }),
        },
        errors: [
          'campaign.not_found',
          'contact.not_found',
          'sender.not_found',
          'sender.unavailable',
          'campaign.invalid',
          'contact.invalid_phone',
          'message.suppressed',
          'message.not_on_whatsapp',
          'sender.quota_exceeded',
        ],
      }),
    },
    async (request) => {
      const ws = request.workspace;
      const phone = requirePhone(request.body.phone, ws.defaultCountry);
      const message = await testSend(
        {
          store,
          clock,
          newId: opts.newId,
          sessions: engine.sessions,
          mediaUrl: opts.mediaUrl,
          senderUsed: (senderId, at) => engine.dispatcher.senderUsed(senderId, at),
        },
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
      schema: operation({
        operationId: 'listCampaignMessages',
        tags: ['messages'],
        summary: "A campaign's messages in send order",
        description: 'Filter by `state` (several allowed), `senderId` or `phone`.',
        params: IdParams,
        querystring: MessageListQuery,
        response: {
          200: reply(
            'A page of messages; `nextCursor` is a position in the campaign',
            pageOf(MessageSchema, 'Message'),
            {
              example: { data: [messageExample], nextCursor: '1' },
            },
          ),
        },
        errors: ['campaign.not_found'],
      }),
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
      schema: operation({
        operationId: 'exportCampaignMessages',
        tags: ['messages'],
        summary: "A campaign's results as CSV",
        params: IdParams,
        response: {
          200: text(
            'One line per message in send order: its state, the reason when skipped or failed, its receipts and text',
            'text/csv',
            'seq,phone,contact_id,state,reason,detail,sender_id,attempt,sent_at,delivered_at,read_at,text\n' +
              `1,+4915112345678,${exampleIds.contactAna},read,,,${exampleIds.simulatorSender},1,2026-03-09T08:00:03.117Z,2026-03-09T08:00:04.402Z,2026-03-09T08:12:45.930Z,"Hello Ana, our spring sale in Berlin starts today: 20% off everything until Sunday!"\n` +
              `2,+6281234567890,${exampleIds.contactPutri},skipped,suppressed,,,0,,,,\n`,
          ),
        },
        errors: ['campaign.not_found'],
      }),
    },
    async (request, reply) => {
      const c = await get(request.workspace.id, request.params.id);
      return sendCsv(reply, `${c.id}.csv`, messagesCsv(store.messages.stream(c.id)));
    },
  );

  app.get(
    '/messages/:id',
    {
      schema: operation({
        operationId: 'getMessage',
        tags: ['messages'],
        summary: 'One message',
        params: IdParams,
        response: { 200: reply('The message: its state, attempts and receipts', MessageSchema) },
        errors: ['message.not_found'],
      }),
    },
    async (request) => {
      const m = await store.messages.get(request.workspace.id, request.params.id);
      if (m === null) throw notFound('message', request.params.id);
      return messageJson(m);
    },
  );
};
