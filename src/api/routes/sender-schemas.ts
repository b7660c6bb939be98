import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import type { SenderDriverKind } from '../../domain/sender.ts';
import { addExamples, addNamedExamples, Nullable, Timestamp } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { validationErrors } from '../problem.ts';

const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +4915112345678' });

export const SimulatorConfig = Type.Object(
  {
    phone: { ...E164, description: 'The number on the simulated network' },
    url: Type.Optional(
      Type.String({ pattern: '^https?://', maxLength: 500, description: 'A separate `kurir simulator`' }),
    ),
    autoPair: Type.Optional(Type.Boolean({ description: 'Pair without scanning a QR code' })),
    idempotentIds: Type.Optional(
      Type.Boolean({ description: 'Model a driver without custom message ids when false' }),
    ),
    maxPerSecond: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }))),
  },
  { additionalProperties: false, $id: 'SimulatorConfig', title: 'SimulatorConfig' },
);
addExamples(SimulatorConfig, { phone: '+6281398765432', autoPair: true });

export const BaileysConfig = Type.Object(
  {
    phone: Type.Optional({
      ...E164,
      description: 'The number to link; needed to pair with a code instead of a QR',
    }),
  },
  { additionalProperties: false, $id: 'BaileysConfig', title: 'BaileysConfig' },
);
addExamples(BaileysConfig, { phone: '+4930901820' });

export const CloudApiConfig = Type.Object(
  {
    phoneNumberId: Type.String({
      pattern: '^[0-9]{5,30}$',
      description: 'The phone number id (not the number)',
    }),
    accessToken: Type.String({
      minLength: 10,
      maxLength: 2000,
      description: 'A system-user token; write-only',
    }),
    appSecret: Type.String({ minLength: 8, maxLength: 200, description: 'Signs webhooks; write-only' }),
    verifyToken: Type.String({
      minLength: 8,
      maxLength: 200,
      description: 'Your webhook verify token; write-only',
    }),
    baseUrl: Type.Optional(
      Type.String({ pattern: '^https?://', maxLength: 500, description: 'Graph API base URL' }),
    ),
  },
  { additionalProperties: false, $id: 'CloudApiConfig', title: 'CloudApiConfig' },
);
addExamples(CloudApiConfig, {
  phoneNumberId: '106540352242922',
  accessToken: 'EAAGm0PX4ZCpsBAKx1Y0Xq7ZA…',
  appSecret: '8f1c2b7e5d4a39c6b0e1f2a3d4c5b6a7',
  verifyToken: 'kurir-meta-9Fq2xL',
});

const ajv = new Ajv({ allErrors: true, strict: false });
const checks = {
  simulator: ajv.compile(SimulatorConfig),
  baileys: ajv.compile(BaileysConfig),
  'cloud-api': ajv.compile(CloudApiConfig),
};

/** The fields of a driver's config that are secrets: stored encrypted, never returned. */
const secretFields: Record<SenderDriverKind, readonly string[]> = {
  simulator: [],
  baileys: [],
  'cloud-api': ['accessToken', 'appSecret', 'verifyToken'],
};

/**
 * Checks a sender's `config` for its driver and splits it into what is shown (public) and
 * what is kept encrypted (secrets). Problems name the field under `/config`.
 */
export function readSenderConfig(
  driver: SenderDriverKind,
  config: unknown,
): { config: Record<string, unknown>; secrets: Record<string, string> | null } {
  const check = checks[driver];
  if (!check(config)) {
    throw new KurirError('sender.invalid', `The config does not fit the ${driver} driver`, {
      errors: validationErrors(check.errors ?? [], 'body', '/config'),
    });
  }
  const all = config as Record<string, unknown>;
  const secrets: Record<string, string> = {};
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (secretFields[driver].includes(key)) secrets[key] = String(value);
    else shown[key] = value;
  }
  return { config: shown, secrets: Object.keys(secrets).length > 0 ? secrets : null };
}

const Quota = Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }));
export const Quotas = Type.Object(
  { perMinute: Type.Optional(Quota), perHour: Type.Optional(Quota), perDay: Type.Optional(Quota) },
  { additionalProperties: false },
);

export const SenderCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    driver: Type.Unsafe<SenderDriverKind>({ type: 'string', enum: ['simulator', 'baileys', 'cloud-api'] }),
    // Checked per driver in the handler (readSenderConfig), so errors name the right fields.
    config: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      description: 'Depends on the driver: SimulatorConfig, BaileysConfig or CloudApiConfig (components)',
    }),
    quotas: Type.Optional(Quotas),
  },
  { additionalProperties: false },
);
addNamedExamples(SenderCreate, {
  baileys: {
    summary: 'A WhatsApp Web number, paired by QR code or pairing code',
    value: {
      name: 'Shop Berlin',
      driver: 'baileys',
      config: { phone: '+4930901820' },
      quotas: { perMinute: 6, perHour: 200, perDay: 1000 },
    },
  },
  'cloud-api': {
    summary: 'A Cloud API number: its token is its session',
    value: {
      name: 'Meta – São Paulo',
      driver: 'cloud-api',
      config: {
        phoneNumberId: '106540352242922',
        accessToken: 'EAAGm0PX4ZCpsBAKx1Y0Xq7ZA…',
        appSecret: '8f1c2b7e5d4a39c6b0e1f2a3d4c5b6a7',
        verifyToken: 'kurir-meta-9Fq2xL',
      },
    },
  },
  simulator: {
    summary: 'A number on the built-in simulated network, paired at once',
    value: { name: 'Demo', driver: 'simulator', config: { phone: '+6281398765432', autoPair: true } },
  },
});

export const SenderPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    quotas: Type.Optional(Quotas),
    config: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({
        type: 'object',
        description: "The whole config again (for example a Cloud API sender's renewed access token)",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
addNamedExamples(SenderPatch, {
  quotas: {
    summary: 'Rename it and lower its hourly quota',
    value: { name: 'Shop Berlin (Kreuzberg)', quotas: { perHour: 120, perDay: null } },
  },
  token: {
    summary: "Renew a Cloud API sender's access token (the whole config again)",
    value: {
      config: {
        phoneNumberId: '106540352242922',
        accessToken: 'EAAGm0PX4ZCpsBAO3fT8…',
        appSecret: '8f1c2b7e5d4a39c6b0e1f2a3d4c5b6a7',
        verifyToken: 'kurir-meta-9Fq2xL',
      },
    },
  },
});

export const SenderSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    driver: Type.String(),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'Without its secrets' }),
    phone: Nullable(Type.String()),
    status: Type.String({ description: 'pairing | connected | disconnected | logged_out | banned | paused' }),
    statusReason: Nullable(Type.String()),
    health: Type.Integer({ minimum: 0, maximum: 100 }),
    quotas: Type.Object({
      perMinute: Nullable(Type.Integer()),
      perHour: Nullable(Type.Integer()),
      perDay: Nullable(Type.Integer()),
    }),
    webhookPath: Nullable(
      Type.String({ description: 'Cloud API: where Meta must post (GET handshake, POST events)' }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Sender', title: 'Sender' },
);
addExamples(SenderSchema, {
  id: exampleIds.baileysSender,
  name: 'Shop Berlin',
  driver: 'baileys',
  config: { phone: '+4930901820' },
  phone: '+4930901820',
  status: 'connected',
  statusReason: null,
  health: 96,
  quotas: { perMinute: 6, perHour: 200, perDay: 1000 },
  webhookPath: null,
  createdAt: '2026-03-02T10:57:04.202Z',
  updatedAt: '2026-03-09T08:31:17.660Z',
});
