import { Type } from 'typebox';
import { partTypes } from '../driver.ts';

/** Request shapes of the simulator's HTTP API: the one place its input is validated. */

export const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164' });
const Phones = Type.Array(Phone, { maxItems: 100_000 });
const Ms = Type.Integer({ minimum: 0, maximum: 86_400_000 });
// An array of two rather than a tuple: TypeBox writes tuples with `additionalItems`, which
// JSON Schema 2020-12 (OpenAPI 3.1) no longer has.
const Range = Type.Unsafe<[number, number]>(
  Type.Array(Ms, { minItems: 2, maxItems: 2, description: '[min, max] milliseconds' }),
);
const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const Text = Type.String({ maxLength: 65_536 });
const strict = { additionalProperties: false } as const;

export const PhoneParams = Type.Object({ phone: Phone });

export const CreateSenderBody = Type.Object(
  { phone: Phone, autoPair: Type.Optional(Type.Boolean()) },
  strict,
);
export const ReasonBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, strict);
export const DisconnectBody = Type.Object({ reconnectAfterMs: Type.Optional(Ms) }, strict);
export const InboundBody = Type.Object(
  { from: Phone, text: Text, inReplyTo: Type.Optional(Type.String({ maxLength: 200 })) },
  strict,
);
/** `POST /inbound`: the same, with the sender named in the body. */
export const InboundToBody = Type.Object(
  {
    from: { ...Phone, description: 'The simulated person writing, E.164' },
    to: { ...Phone, description: 'The number of the sender written to' },
    text: Text,
    inReplyTo: Type.Optional(
      Type.String({ maxLength: 200, description: 'The id of the message this one answers' }),
    ),
  },
  strict,
);

export const PhonesBody = Type.Object({ phones: Phones }, strict);
export const FractionBody = Type.Object({ fraction: Fraction }, strict);

export const FaultsBody = Type.Object(
  {
    latencyMs: Type.Optional(Type.Union([Range, Type.Null()])),
    failureRate: Type.Optional(Fraction),
    banThreshold: Type.Optional(
      Type.Union([
        Type.Object(
          { maxSends: Type.Integer({ minimum: 0 }), windowMs: Type.Integer({ minimum: 1 }) },
          strict,
        ),
        Type.Null(),
      ]),
    ),
    reconnectAfterMs: Type.Optional(Range),
  },
  strict,
);

export const ReceiptsBody = Type.Object(
  { deliveredAfterMs: Type.Optional(Range), readAfterMs: Type.Optional(Type.Union([Range, Type.Null()])) },
  strict,
);

export const ReplyRuleBody = Type.Object(
  {
    match: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'Only messages whose text (or caption) is exactly this, ignoring case and outer spaces',
      }),
    ),
    pattern: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'Only messages whose text matches this regular expression',
      }),
    ),
    recipients: Type.Optional({ ...Phones, description: 'Only messages to these numbers (default: anyone)' }),
    senders: Type.Optional({ ...Phones, description: 'Only messages from these senders' }),
    reply: Type.String({ minLength: 1, maxLength: 4096, description: "The recipient's answer, e.g. STOP" }),
    afterMs: Type.Optional(
      Type.Union([Ms, Range], { description: 'Delay after delivery: milliseconds or [min, max]; default 0' }),
    ),
    probability: Type.Optional({
      ...Fraction,
      description: 'Chance that a matching message is answered; default 1',
    }),
  },
  strict,
);

export const RecordsQuery = Type.Object({ to: Type.Optional(Phone), sender: Type.Optional(Phone) });

// The link: what a remote SimulatorDriver calls.

export const ConnectBody = Type.Object(
  { pairWith: Type.Optional(Type.Union([Type.Literal('qr'), Type.Literal('code')])) },
  strict,
);

export const SendBody = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ref: Type.String({ minLength: 1, maxLength: 200 }),
    partOf: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    to: Type.String({ maxLength: 40 }),
    type: Type.Union(partTypes.map((t) => Type.Literal(t))),
    text: Type.Optional(Text),
    media: Type.Optional(
      Type.Object(
        {
          url: Type.String({ maxLength: 4096 }),
          mimeType: Type.Optional(Type.String({ maxLength: 200 })),
          fileName: Type.Optional(Type.String({ maxLength: 500 })),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const CheckNumbersBody = Type.Object(
  { phones: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10_000 }) },
  strict,
);
export const TypingBody = Type.Object(
  { to: Phone, state: Type.Union([Type.Literal('composing'), Type.Literal('paused')]) },
  strict,
);
export const AckBody = Type.Object(
  { seq: Type.Integer({ minimum: 0 }), log: Type.String({ minLength: 1, maxLength: 64 }) },
  strict,
);
export const EmptyBody = Type.Object({}, strict);
