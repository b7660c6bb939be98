import { Type } from 'typebox';
import { campaignStatuses, senderStrategies } from '../../domain/campaign.ts';
import { FIELD_KEY_PATTERN, MAX_FIELD_FILTERS } from '../../domain/contact.ts';
import { messageStates } from '../../domain/message.ts';
import { pacingPresets } from '../../domain/pacing/pacing-policy.ts';
import { addExamples, Nullable, oneOf, Timestamp } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';

const Label = Type.String({ minLength: 1, maxLength: 64 });
const ID_PATTERN = '^[a-z]+_[0-9a-z]{1,40}$';
const Id = Type.String({ pattern: ID_PATTERN, maxLength: 48 });

export const AudienceSchema = Type.Object(
  {
    tags: Type.Optional(Type.Array(Label, { maxItems: 50, description: 'Contacts with any of these tags' })),
    status: Type.Optional(
      Type.Array(Label, { maxItems: 20, description: 'Contacts with one of these lead statuses' }),
    ),
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: FIELD_KEY_PATTERN.source }), Type.String({ maxLength: 200 }), {
        maxProperties: MAX_FIELD_FILTERS,
        additionalProperties: false,
        description: 'Custom-field equality',
      }),
    ),
    contactIds: Type.Optional(
      Type.Array(Id, { minItems: 1, maxItems: 100_000, description: 'Exactly these contacts' }),
    ),
    importId: Type.Optional(
      Type.String({
        pattern: ID_PATTERN,
        maxLength: 48,
        description:
          'The contacts a CSV lists: the import id `POST /v1/campaigns/{id}/audience` answered with (set by that upload)',
      }),
    ),
  },
  { additionalProperties: false, description: 'Every part narrows; an empty audience is every contact' },
);

export const PacingSchema = Type.Object(
  {
    preset: oneOf(pacingPresets, {
      description:
        'very_short 1–4 s, short 4–10 s, medium 20–50 s (default), long 60–120 s, very_long 120–300 s, or manual',
    }),
    minSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
    maxSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
    batch: Type.Optional(
      Type.Object(
        {
          every: Type.Integer({ minimum: 1, maximum: 10_000 }),
          minSeconds: Type.Number({ minimum: 0, maximum: 86_400 }),
          maxSeconds: Type.Number({ minimum: 0, maximum: 86_400 }),
        },
        { additionalProperties: false, description: 'Every N messages a sender waits a longer random pause' },
      ),
    ),
    typing: Type.Optional(
      Type.Union([
        Type.Boolean(),
        Type.Object(
          {
            msPerChar: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
            minMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
            maxMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
  },
  { additionalProperties: false },
);

const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local time HH:MM' });

const WindowSchema = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays, 1 = Monday … 7 = Sunday',
    }),
    from: Clock,
    to: Type.String({ ...Clock, description: 'Local end; earlier than `from` runs past midnight' }),
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Berlin' }),
  },
  { additionalProperties: false },
);

const Strategy = oneOf(senderStrategies, {
  description:
    'How each message picks a sender: round_robin (default), least_loaded, or sticky (a contact keeps the sender that reached them before)',
});

export const CampaignCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    templateId: Id,
    audience: Type.Optional(AudienceSchema),
    senderIds: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    senderStrategy: Type.Optional(Strategy),
    pacing: Type.Optional(PacingSchema),
    startAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    window: Type.Optional(Nullable(WindowSchema)),
  },
  { additionalProperties: false },
);
addExamples(CampaignCreate, {
  name: 'Spring sale 2026',
  templateId: exampleIds.template,
  senderIds: [exampleIds.simulatorSender, exampleIds.baileysSender],
  senderStrategy: 'sticky',
  audience: { tags: ['vip', 'newsletter'], fields: { city: 'Berlin' } },
  pacing: { preset: 'medium', batch: { every: 20, minSeconds: 60, maxSeconds: 120 }, typing: true },
  window: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Europe/Berlin' },
  startAt: '2026-03-09T08:00:00.000Z',
});

export const CampaignPatch = Type.Object(
  {
    name: Type.Optional(CampaignCreate.properties.name),
    templateId: Type.Optional(Id),
    audience: Type.Optional(AudienceSchema),
    senderIds: Type.Optional(CampaignCreate.properties.senderIds),
    senderStrategy: Type.Optional(Strategy),
    pacing: Type.Optional(PacingSchema),
    startAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    window: Type.Optional(Nullable(WindowSchema)),
  },
  { additionalProperties: false, minProperties: 1 },
);
addExamples(CampaignPatch, {
  pacing: { preset: 'manual', minSeconds: 8, maxSeconds: 15 },
  window: { days: [1, 2, 3, 4, 5, 6], from: '10:00', to: '20:00', timezone: 'America/Sao_Paulo' },
});

const Count = Type.Integer({ minimum: 0 });

export const CampaignSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    templateId: Nullable(Type.String()),
    audience: AudienceSchema,
    senderIds: Type.Array(Type.String()),
    senderStrategy: Strategy,
    pacing: PacingSchema,
    startAt: Nullable(Timestamp),
    window: Nullable(WindowSchema),
    status: oneOf(campaignStatuses),
    pauseReason: Nullable(Type.String({ description: 'user, or no_sender when every sender was lost' })),
    error: Nullable(Type.String()),
    counts: Type.Object(
      {
        total: Count,
        queued: Count,
        sending: Count,
        sent: Type.Integer({ minimum: 0, description: 'Accepted by WhatsApp (includes delivered and read)' }),
        delivered: Type.Integer({ minimum: 0, description: 'Delivered (includes read)' }),
        read: Count,
        failed: Count,
        skipped: Type.Integer({
          minimum: 0,
          description: 'Not sent because of the recipient: suppressed, not on WhatsApp, opted out',
        }),
        cancelled: Type.Integer({ minimum: 0, description: 'Not sent because the campaign was stopped' }),
      },
      { description: 'From the message rows' },
    ),
    audienceSize: Nullable(
      Type.Integer({ description: 'Contacts the audience selects now (drafts and scheduled campaigns)' }),
    ),
    progress: Type.Object({
      percent: Type.Number(),
      observedPerMinute: Nullable(
        Type.Number({ description: 'Settled per minute lately; null in the first 30 s' }),
      ),
      plannedPerMinute: Nullable(Type.Number()),
      etaSeconds: Nullable(Type.Integer()),
    }),
    windowOpensAt: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'While a running or paused campaign is outside its window: when it opens again (null inside it, or without one)',
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
  },
  { $id: 'Campaign', title: 'Campaign' },
);
addExamples(CampaignSchema, {
  id: exampleIds.campaign,
  name: 'Spring sale 2026',
  templateId: exampleIds.template,
  audience: { tags: ['vip', 'newsletter'], fields: { city: 'Berlin' } },
  senderIds: [exampleIds.simulatorSender, exampleIds.baileysSender],
  senderStrategy: 'sticky',
  pacing: { preset: 'medium', batch: { every: 20, minSeconds: 60, maxSeconds: 120 }, typing: true },
  startAt: '2026-03-09T08:00:00.000Z',
  window: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Europe/Berlin' },
  status: 'running',
  pauseReason: null,
  error: null,
  windowOpensAt: null,
  counts: {
    total: 1_250,
    queued: 812,
    sending: 2,
    sent: 418,
    delivered: 391,
    read: 247,
    failed: 3,
    skipped: 15,
    cancelled: 0,
  },
  audienceSize: null,
  progress: { percent: 34.8, observedPerMinute: 3.9, plannedPerMinute: 4.1, etaSeconds: 12_540 },
  createdAt: '2026-03-02T11:16:06.584Z',
  updatedAt: '2026-03-09T09:51:40.212Z',
  startedAt: '2026-03-09T08:00:00.004Z',
  finishedAt: null,
});

export const MessageSchema = Type.Object(
  {
    id: Type.String(),
    campaignId: Nullable(Type.String()),
    contactId: Nullable(Type.String()),
    phone: Type.String(),
    seq: Type.Integer(),
    state: oneOf(messageStates),
    reason: Nullable(Type.String({ description: 'Why skipped, cancelled or failed' })),
    detail: Nullable(Type.String()),
    senderId: Nullable(Type.String()),
    whatsappId: Nullable(Type.String()),
    attempt: Type.Integer(),
    text: Nullable(Type.String()),
    nextAt: Nullable(Timestamp),
    sentAt: Nullable(Timestamp),
    deliveredAt: Nullable(Timestamp),
    readAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Message', title: 'Message' },
);
addExamples(MessageSchema, {
  id: exampleIds.message,
  campaignId: exampleIds.campaign,
  contactId: exampleIds.contactAna,
  phone: '+4915112345678',
  seq: 1,
  state: 'read',
  reason: null,
  detail: null,
  senderId: exampleIds.simulatorSender,
  whatsappId: '3EB01AB3D430196F04952C',
  attempt: 1,
  text: 'Hello Ana, our spring sale in Berlin starts today: 20% off everything until Sunday!',
  nextAt: null,
  sentAt: '2026-03-09T08:00:03.117Z',
  deliveredAt: '2026-03-09T08:00:04.402Z',
  readAt: '2026-03-09T08:12:45.930Z',
  createdAt: '2026-03-09T08:00:00.004Z',
  updatedAt: '2026-03-09T08:12:45.930Z',
});

export const MessageListQuery = Type.Object(
  {
    state: Type.Optional(Type.Array(oneOf(messageStates), { maxItems: messageStates.length })),
    senderId: Type.Optional(Id),
    phone: Type.Optional(Type.String({ maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,12}$', description: '`nextCursor` of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
