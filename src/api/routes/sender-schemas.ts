import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import type { SenderDriverKind } from '../../domain/sender.ts';
import { Nullable, Timestamp } from '../common-schemas.ts';
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

export const BaileysConfig = Type.Object(
  {
    phone: Type.Optional({
      ...E164,
      description: 'The number to link; needed to pair with a code instead of a QR',
    }),
  },
  { additionalProperties: false, $id: 'BaileysConfig', title: 'BaileysConfig' },
);

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
