import { Type } from 'typebox';
import { FIELD_KEY_PATTERN, MAX_FIELD_FILTERS, MAX_FIELDS, MAX_TAGS } from '../../domain/contact.ts';
import { addExamples, addNamedExamples, Nullable, PageQuery, pageOf, Timestamp } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';

const fieldKey = FIELD_KEY_PATTERN.source;
const FieldValue = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]);
export const Fields = Type.Record(Type.String({ pattern: fieldKey }), FieldValue, {
  maxProperties: MAX_FIELDS,
  additionalProperties: false,
  description: `Custom fields: keys match ${fieldKey}; values are strings, numbers, booleans or null`,
});
const Tag = Type.String({ minLength: 1, maxLength: 64 });
export const Tags = Type.Array(Tag, { maxItems: MAX_TAGS });
const Status = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Lead status, e.g. prospect or customer',
});

const ConsentIn = Type.Object(
  {
    optedInAt: Type.Optional(Type.String({ format: 'date-time', description: 'Defaults to now' })),
    source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);

export const ContactSchema = Type.Object(
  {
    id: Type.String(),
    phone: Type.String({ description: 'E.164' }),
    name: Nullable(Type.String()),
    fields: Type.Record(Type.String(), FieldValue),
    tags: Type.Array(Type.String()),
    status: Nullable(Type.String()),
    consent: Nullable(Type.Object({ optedInAt: Timestamp, source: Nullable(Type.String()) })),
    suppressed: Type.Boolean({ description: 'The phone is on the suppression list' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Contact', title: 'Contact' },
);
addExamples(ContactSchema, {
  id: exampleIds.contactAna,
  phone: '+4915112345678',
  name: 'Ana Lima',
  fields: { city: 'Berlin', plan: 'pro', orders: 7 },
  tags: ['vip', 'newsletter'],
  status: 'customer',
  consent: { optedInAt: '2026-03-02T09:59:43.632Z', source: 'checkout form' },
  suppressed: false,
  createdAt: '2026-03-02T09:59:43.632Z',
  updatedAt: '2026-03-04T16:20:11.045Z',
});

export const ContactCreate = Type.Object(
  {
    phone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "International, or national in the workspace's default country",
    }),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    fields: Type.Optional(Fields),
    tags: Type.Optional(Tags),
    status: Type.Optional(Nullable(Status)),
    consent: Type.Optional(Nullable(ConsentIn)),
  },
  { additionalProperties: false },
);
addExamples(ContactCreate, {
  phone: '0151 12345678',
  name: 'Ana Lima',
  fields: { city: 'Berlin', plan: 'pro', orders: 7 },
  tags: ['vip', 'newsletter'],
  status: 'customer',
  consent: { source: 'checkout form' },
});

export const ContactPatchBody = Type.Object(
  {
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: fieldKey }), FieldValue, {
        maxProperties: MAX_FIELDS,
        additionalProperties: false,
        description: 'Merged into the stored fields; a null value removes that field',
      }),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS, description: 'Replaces all tags' })),
    addTags: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS })),
    removeTags: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS })),
    status: Type.Optional(Nullable(Status)),
    consent: Type.Optional(Nullable(ConsentIn)),
  },
  { additionalProperties: false, minProperties: 1 },
);
addExamples(ContactPatchBody, {
  fields: { city: 'Hamburg', plan: null },
  addTags: ['spring-2026'],
  removeTags: ['newsletter'],
});

const filterProps = {
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name or phone' })),
  tag: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS, description: 'Contacts with any of these tags' })),
  status: Type.Optional(Type.Array(Status, { maxItems: 20 })),
};

/** `field.<key>=value` narrows by custom-field equality; the route counts them (MAX_FIELD_FILTERS). */
const fieldFilterPattern = `^field\\.${fieldKey.replace(/^\^/, '')}`;

export const ContactListQuery = Type.Object(
  { ...filterProps, ...PageQuery },
  {
    additionalProperties: false,
    patternProperties: { [fieldFilterPattern]: Type.String({ maxLength: 200 }) },
  },
);

export const ContactExportQuery = Type.Object(filterProps, {
  additionalProperties: false,
  patternProperties: { [fieldFilterPattern]: Type.String({ maxLength: 200 }) },
});

export const ContactFilterBody = Type.Object(
  {
    q: filterProps.q,
    tags: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS })),
    status: filterProps.status,
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: fieldKey }), Type.String({ maxLength: 200 }), {
        maxProperties: MAX_FIELD_FILTERS,
        additionalProperties: false,
      }),
    ),
  },
  { additionalProperties: false },
);

export const BulkDeleteBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ maxLength: 48 }), { minItems: 1, maxItems: 10_000 })),
    filter: Type.Optional(ContactFilterBody),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: 'Either `ids` or `filter`',
  },
);
addNamedExamples(BulkDeleteBody, {
  ids: { summary: 'These contacts', value: { ids: [exampleIds.contactJoao, exampleIds.contactPutri] } },
  filter: {
    summary: 'Every contact a filter selects',
    value: { filter: { tags: ['test-import'], fields: { city: 'Jakarta' } } },
  },
});

export const ContactPage = pageOf(ContactSchema, 'Contact');
